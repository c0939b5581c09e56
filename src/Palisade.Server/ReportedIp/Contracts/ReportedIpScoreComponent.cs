namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>One component of the confidence breakdown.</summary>
public sealed record ReportedIpScoreComponent(string Name, double Value, string Detail);
