namespace Palisade.Server.ReportedIp.Contracts;

/// <summary><c>verify-key</c> data, as ReportedIP's Hive client reads it. A <c>dailyReportLimit</c> of 0 means no report
/// permission; unlimited quotas are -1.</summary>
public sealed record ReportedIpVerifyKeyData(
    bool Valid,
    string KeyName,
    string UserRole,
    IReadOnlyList<string> Permissions,
    ReportedIpLimits Limits,
    IReadOnlyList<string> Features);
