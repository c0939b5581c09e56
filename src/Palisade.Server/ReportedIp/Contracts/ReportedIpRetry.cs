namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>The data of a 429: seconds until the daily limit resets.</summary>
public sealed record ReportedIpRetry(long RetryAfter);
