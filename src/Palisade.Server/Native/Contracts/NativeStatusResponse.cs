namespace Palisade.Server.Native.Contracts;

/// <summary><c>GET /v1/key/status</c> as SikkerAPI's client decodes it.</summary>
/// <param name="Sensors">The key's sensors (last heartbeat, events per protocol today, top usernames); absent when it has none.</param>
public sealed record NativeStatusResponse(NativeTierInfo Tier, NativeQuotas Quotas, NativeAlertCounts Alerts, string KeyName, string ResetsAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<Palisade.Server.Sensors.NativeSensorStatus>? Sensors = null);
