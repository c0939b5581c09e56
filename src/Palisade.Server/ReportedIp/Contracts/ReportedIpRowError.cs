namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>An entry of a bulk request that was not processed: its position (0-based), what it said and why.</summary>
public sealed record ReportedIpRowError(int Index, string? Ip, string Error);
