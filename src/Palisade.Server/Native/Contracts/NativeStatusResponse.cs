namespace Palisade.Server.Native.Contracts;

/// <summary><c>GET /v1/key/status</c> as SikkerAPI's client decodes it.</summary>
/// <param name="Tier">The key's tier.</param>
/// <param name="Quotas">Today's use and limit of each quota family.</param>
/// <param name="Alerts">The key's alerts per kind against the tier's limits.</param>
/// <param name="KeyName">The key's name.</param>
/// <param name="ResetsAt">When the daily quotas reset (next midnight UTC, RFC 3339).</param>
/// <param name="Sensors">The key's sensors (last heartbeat, events per protocol today, top usernames); absent when it has none.</param>
public sealed record NativeStatusResponse(NativeTierInfo Tier, NativeQuotas Quotas, NativeAlertCounts Alerts, string KeyName, string ResetsAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<Palisade.Server.Sensors.NativeSensorStatus>? Sensors = null);
