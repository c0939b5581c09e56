namespace Palisade.Server.Native.Contracts;

/// <summary><c>GET /v1/key/status</c> as SikkerAPI's client decodes it.</summary>
public sealed record NativeStatusResponse(NativeTierInfo Tier, NativeQuotas Quotas, NativeAlertCounts Alerts, string KeyName, string ResetsAt);
