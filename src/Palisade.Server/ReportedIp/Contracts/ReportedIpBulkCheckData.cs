namespace Palisade.Server.ReportedIp.Contracts;

/// <summary><c>bulk-check</c> data: one result per valid address (one check unit each), and the entries that were not addresses.</summary>
public sealed record ReportedIpBulkCheckData(int Total, IReadOnlyList<ReportedIpCheckData> Results, IReadOnlyList<ReportedIpRowError> Invalid);
