using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Palisade.Cli.Sensor;

/// <summary>What became of one upload attempt.</summary>
internal enum UploadOutcome
{
    Delivered,
    Retry,
    Refused,
}

/// <summary>
/// Posts queued batches to <c>POST /v1/key/bulk-report</c> and heartbeats to <c>POST /v1/key/sensor/heartbeat</c>.
/// Redirects are not followed (the key would travel with them); the key is sent only in the Authorization header.
/// </summary>
internal sealed class SensorUploader : IDisposable
{
    private readonly HttpClient _http;
    private readonly TextWriter _log;

    public SensorUploader(Uri server, string key, TextWriter log)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(10) };
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(60) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("palisade-sensor", "1"));
        _log = log;
    }

    /// <summary>Sends one batch file. The returned <c>RetryAfter</c> is the server's Retry-After on 429/503, if any.</summary>
    public async Task<(UploadOutcome Outcome, TimeSpan? RetryAfter)> SendAsync(string batch, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(batch, cancellationToken));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync("v1/key/bulk-report", content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            await _log.WriteLineAsync($"palisade sensor: server {_http.BaseAddress} unreachable ({ex.Message}); the batch stays queued.");
            return (UploadOutcome.Retry, null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await _log.WriteLineAsync($"palisade sensor: server {_http.BaseAddress} did not answer in time; the batch stays queued.");
            return (UploadOutcome.Retry, null);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var answer = await ReadAnswerAsync(response, cancellationToken);
                await _log.WriteLineAsync($"palisade sensor: delivered {answer?.Total ?? 0} reports ({answer?.Accepted ?? 0} accepted, {answer?.Duplicates ?? 0} duplicates, {answer?.Rejected ?? 0} refused).");
                foreach (var error in answer?.Errors?.Take(5) ?? [])
                {
                    await _log.WriteLineAsync($"palisade sensor:   row {error.Row} ({error.Ip}): {error.Error}");
                }

                return (UploadOutcome.Delivered, null);
            }

            if (status is 429 or 503 || status >= 500 || status is 401 or 403 or 408)
            {
                await _log.WriteLineAsync($"palisade sensor: server answered {status}; the batch stays queued and is sent again later.");
                return (UploadOutcome.Retry, RetryAfter(response));
            }

            await _log.WriteLineAsync($"palisade sensor: server refused a batch ({status}); it is kept in queue/refused and not sent again.");
            return (UploadOutcome.Refused, null);
        }
    }

    public async Task<bool> HeartbeatAsync(SensorHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        try
        {
            using var content = new StringContent(JsonSerializer.Serialize(heartbeat, SensorJsonContext.Default.SensorHeartbeat), System.Text.Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync("v1/key/sensor/heartbeat", content, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static async Task<SensorBulkAnswer?> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(SensorJsonContext.Default.SensorBulkAnswer, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
