namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>A key's daily limits and what remains today (-1 = unlimited).</summary>
public sealed record ReportedIpLimits(long DailyApiLimit, long RemainingApiCalls, long DailyReportLimit, long RemainingReports);
