namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>The <c>meta</c> part of ReportedIP's envelope.</summary>
public sealed record ReportedIpMeta(bool Success, int Code, string Message);
