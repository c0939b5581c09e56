using System.Text.Json.Serialization;
using Palisade.Core.Sensors;

namespace Palisade.Cli.Sensor;

/// <summary>A queued batch: the native bulk report body, stored on disk as it will be posted.</summary>
internal sealed record SensorBatch(IReadOnlyList<SensorReport> Reports);

/// <summary>What the sensor tells the server every heartbeat (<c>POST /v1/key/sensor/heartbeat</c>).</summary>
internal sealed record SensorHeartbeat(
    string Sensor,
    IReadOnlyList<string> Listeners,
    IReadOnlyDictionary<string, long> EventsToday,
    IReadOnlyList<UsernameCount> TopUsernames,
    int Queued);

/// <summary>The parts of the bulk report answer the sensor logs.</summary>
internal sealed record SensorBulkAnswer(int Total, int Accepted, int Rejected, int Duplicates, IReadOnlyList<SensorBulkError>? Errors);

internal sealed record SensorBulkError(int Row, string? Ip, string? Error);

/// <summary>The sensor's configuration file (<c>--config</c>); flags given on the command line win.</summary>
internal sealed record SensorConfigFile(
    string? Server,
    string? Key,
    IReadOnlyList<string>? Listen,
    string? Data,
    string? Name,
    bool? KeepPasswords,
    string? Window,
    string? Flush,
    string? Heartbeat,
    int? MaxConnections,
    bool? ReportPrivate);

/// <summary>One line of the local event log.</summary>
internal sealed record SensorLogLine(DateTimeOffset Time, string Ip, string Protocol, int Port, string Kind, string Rule, string? Username, string? Password,
    string? Method, string? Path);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(SensorBatch))]
[JsonSerializable(typeof(SensorHeartbeat))]
[JsonSerializable(typeof(SensorBulkAnswer))]
[JsonSerializable(typeof(SensorConfigFile))]
[JsonSerializable(typeof(SensorLogLine))]
internal sealed partial class SensorJsonContext : JsonSerializerContext;
