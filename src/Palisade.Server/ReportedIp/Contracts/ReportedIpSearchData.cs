namespace Palisade.Server.ReportedIp.Contracts;

/// <summary><c>search-public</c> data: reported addresses inside the searched network, highest confidence first.</summary>
public sealed record ReportedIpSearchData(string Network, int Total, IReadOnlyList<ReportedIpSearchHit> Results);
