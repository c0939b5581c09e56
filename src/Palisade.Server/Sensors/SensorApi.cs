using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Palisade.Server.Faces.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Core.Sensors;
using Palisade.Server.Access;
using Palisade.Server.Native;

namespace Palisade.Server.Sensors;

/// <summary>
/// <c>POST /v1/key/sensor/heartbeat</c>: a <c>palisade sensor</c> says it is alive, with its listeners and today's counts
/// (events per protocol, top usernames). <c>/v1/key/status</c> and the dashboard's sensor page list what it said.
/// </summary>
public static class SensorApi
{
    public const int MaxHeartbeatBytes = 16 * 1024;
    public const int MaxNameLength = 64;
    public const int MaxListeners = 16;
    public const int MaxProtocols = 16;
    public const int MaxUsernames = 10;

    public static IEndpointRouteBuilder MapSensorApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/key").WithTags("Native")
            .MapPost("/sensor/heartbeat", Heartbeat).AddEndpointFilter(NativeDialect.Instance.Access(QuotaFamily.Report, Feature.Report))
            .DescribesBody<SensorHeartbeatRequest>().WithName("NativeSensorHeartbeat").WithSummary("A sensor (palisade sensor) says it is alive: its listeners, today's events and queue.")
            .Produces<SensorHeartbeatResponse>().ProducesFaceErrors(NativeDialect.Instance)
            .ProducesFaceErrors(NativeDialect.Instance, StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    public static async Task<IResult> Heartbeat(HttpContext http, SensorRegistry registry)
    {
        var access = AccessContext.From(http);
        var body = await RequestBodyReader.ReadAsync(http.Request, MaxHeartbeatBytes, http.RequestAborted);
        if (body is null)
        {
            return NativeResults.Error(StatusCodes.Status413PayloadTooLarge, $"A heartbeat is at most {MaxHeartbeatBytes / 1024} KB.");
        }

        if (!TryParse(body, out var sensor, out var listeners, out var events, out var usernames, out var queued, out var error))
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, error + " Nothing was recorded.");
        }

        if (!registry.Heartbeat(access.Key.Key.Id, sensor, "palisade", listeners, events, usernames, queued))
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, $"This key already has {SensorRegistry.MaxSensorsPerKey} sensors; use another key. Nothing was recorded.");
        }

        return TypedResults.Json(new SensorHeartbeatResponse(sensor, WireTime.Rfc3339(registry.For(access.Key.Key.Id).First(s => s.Sensor == sensor).LastHeartbeat)),
            SensorJsonContext.Default.SensorHeartbeatResponse);
    }

    /// <summary>The sensors of a key as <c>/v1/key/status</c> lists them; null when the key has none.</summary>
    public static IReadOnlyList<NativeSensorStatus>? StatusOf(SensorRegistry registry, long keyId)
    {
        var sensors = registry.For(keyId);
        return sensors.Count == 0
            ? null
            : [.. sensors.Select(s => new NativeSensorStatus(s.Sensor, s.Kind, WireTime.Rfc3339(s.LastHeartbeat), s.Listeners, s.EventsToday, s.TopUsernames, s.Queued))];
    }

    private static bool TryParse(byte[] body, out string sensor, out List<string> listeners, out Dictionary<string, long> events,
        out List<UsernameCount> usernames, out int queued, out string? error)
    {
        sensor = "";
        listeners = [];
        events = new Dictionary<string, long>(StringComparer.Ordinal);
        usernames = [];
        queued = 0;
        try
        {
            using var json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("sensor", out var name) || name.ValueKind != JsonValueKind.String ||
                name.GetString() is not { Length: > 0 and <= MaxNameLength } text || text.Any(char.IsControl))
            {
                error = $"Field 'sensor' is required: the sensor's name, 1 to {MaxNameLength} printable characters.";
                return false;
            }

            sensor = text;
            if (root.TryGetProperty("listeners", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray().Take(MaxListeners))
                {
                    if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 and <= 40 } listener && !listener.Any(char.IsControl))
                    {
                        listeners.Add(listener);
                    }
                }
            }

            if (root.TryGetProperty("eventsToday", out var counts) && counts.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in counts.EnumerateObject().Take(MaxProtocols))
                {
                    if (property.Name.Length is 0 or > ReportLimits.MaxProtocolLength || !property.Value.TryGetInt64(out var count) || count < 0)
                    {
                        error = "Field 'eventsToday' maps protocol names (up to 32 characters) to counts.";
                        return false;
                    }

                    events[property.Name.ToLowerInvariant()] = count;
                }
            }

            if (root.TryGetProperty("topUsernames", out var top) && top.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in top.EnumerateArray().Take(MaxUsernames))
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("username", out var user) && user.ValueKind == JsonValueKind.String &&
                        user.GetString() is { Length: > 0 and <= ReportLimits.MaxUsernameLength } username &&
                        item.TryGetProperty("count", out var count) && count.TryGetInt64(out var times) && times >= 0)
                    {
                        usernames.Add(new UsernameCount(username, times));
                    }
                }
            }

            if (root.TryGetProperty("queued", out var waiting) && waiting.TryGetInt32(out var number) && number >= 0)
            {
                queued = number;
            }

            error = null;
            return true;
        }
        catch (JsonException)
        {
            error = "The body must be a JSON object: {\"sensor\":\"name\",\"listeners\":[…],\"eventsToday\":{…},\"topUsernames\":[…]}.";
            return false;
        }
    }
}
