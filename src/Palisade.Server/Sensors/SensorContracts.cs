using System.Text.Json;
using System.Text.Json.Serialization;
using Palisade.Core.Sensors;

namespace Palisade.Server.Sensors;

/// <summary>The body of a native heartbeat, as <c>palisade sensor</c> sends it (read field by field by the handler;
/// this record describes it for the OpenAPI document).</summary>
/// <param name="Sensor">The sensor's name (unique per key).</param>
/// <param name="Listeners">What it listens on, e.g. <c>ssh=:2222</c>.</param>
/// <param name="EventsToday">Events captured today per protocol.</param>
/// <param name="TopUsernames">The usernames tried most today.</param>
/// <param name="Queued">Events waiting to be reported.</param>
public sealed record SensorHeartbeatRequest(string Sensor, IReadOnlyList<string>? Listeners, IReadOnlyDictionary<string, long>? EventsToday,
    IReadOnlyList<UsernameCount>? TopUsernames, int? Queued);

/// <summary>The answer to a native heartbeat.</summary>
public sealed record SensorHeartbeatResponse(string Sensor, string LastHeartbeat);

/// <summary>A sensor as <c>/v1/key/status</c> lists it.</summary>
public sealed record NativeSensorStatus(string Sensor, string Kind, string LastHeartbeat, IReadOnlyList<string> Listeners,
    IReadOnlyDictionary<string, long> EventsToday, IReadOnlyList<UsernameCount> TopUsernames, int Queued);

/// <summary>IPSwamp's <c>/api/ping</c> and heartbeat answer.</summary>
public sealed record IpSwampStatusResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("timestamp")] string Timestamp);

/// <summary>IPSwamp's <c>/api/honeypot/report-ip</c> answer (its client logs <c>ip_id</c> and <c>current_score</c>).</summary>
public sealed record IpSwampReportResponse(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("ip_id")] long? IpId,
    [property: JsonPropertyName("current_score")] int CurrentScore,
    [property: JsonPropertyName("category")] string Category);

/// <summary>IPSwamp's <c>/api/get</c> answer.</summary>
public sealed record IpSwampGetResponse(
    [property: JsonPropertyName("ip")] string Ip,
    [property: JsonPropertyName("attacks_count")] long AttacksCount,
    [property: JsonPropertyName("last_seen")] string? LastSeen,
    [property: JsonPropertyName("attack_types")] IReadOnlyList<string> AttackTypes,
    [property: JsonPropertyName("is_suspicious")] bool IsSuspicious,
    [property: JsonPropertyName("score")] int Score);

/// <summary>Serializers of the sensor endpoints.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SensorHeartbeatResponse))]
[JsonSerializable(typeof(NativeSensorStatus))]
[JsonSerializable(typeof(IpSwampStatusResponse))]
[JsonSerializable(typeof(IpSwampReportResponse))]
[JsonSerializable(typeof(IpSwampGetResponse))]
internal sealed partial class SensorJsonContext : JsonSerializerContext;
