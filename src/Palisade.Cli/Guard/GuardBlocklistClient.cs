using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Palisade.Core.Addresses;

namespace Palisade.Cli.Guard;

/// <summary>
/// Pulls the native blocklist (<c>GET /v1/key/blacklist</c>, JSON): the whole list, or with <c>since=</c> only what
/// changed. Redirects are not followed (the key would travel to wherever they point); the key goes in the
/// Authorization header only and is never part of a message.
/// </summary>
internal sealed class GuardBlocklistClient : IDisposable
{
    private const int MaxErrorLength = 300;

    private readonly HttpClient _http;
    private readonly string _query;

    public GuardBlocklistClient(Uri server, string key, string query, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        _http = new HttpClient(handler) { BaseAddress = server, Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("palisade-guard", "1"));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        _query = query;
    }

    /// <summary>The whole list (<paramref name="since"/> null) or the changes since a cursor.</summary>
    public async Task<GuardPull> PullAsync(string? since, CancellationToken cancellationToken)
    {
        var path = "v1/key/blacklist?" + _query + (since is null ? "" : (_query.Length > 0 ? "&" : "") + "since=" + Uri.EscapeDataString(since));
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new GuardServerException(GuardServerFailure.Unavailable, $"server {_http.BaseAddress} unreachable: {ex.Message}", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GuardServerException(GuardServerFailure.Unavailable, $"server {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s", inner: ex);
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await FailureAsync(response, cancellationToken);
            }

            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                if (since is null)
                {
                    var list = await JsonSerializer.DeserializeAsync(body, GuardJsonContext.Default.GuardListResponse, cancellationToken);
                    return Pull(replace: true, list?.Meta, list?.Data, []);
                }

                var changes = await JsonSerializer.DeserializeAsync(body, GuardJsonContext.Default.GuardChangesResponse, cancellationToken);
                return Pull(changes?.Meta?.Reset == true, changes?.Meta, changes?.Added, changes?.Removed ?? []);
            }
            catch (JsonException ex)
            {
                throw new GuardServerException(GuardServerFailure.Unavailable, $"server {_http.BaseAddress} sent a list that is not valid JSON: {ex.Message}", inner: ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new GuardServerException(GuardServerFailure.Unavailable, $"server {_http.BaseAddress} broke off the list: {ex.Message}", inner: ex);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private GuardPull Pull(bool replace, GuardListMeta? meta, IReadOnlyList<GuardListItem>? added, IReadOnlyList<string> removed)
    {
        if (meta is null || string.IsNullOrEmpty(meta.Cursor))
        {
            throw new GuardServerException(GuardServerFailure.Unavailable, $"server {_http.BaseAddress} sent a list without meta.cursor; is it a Palisade server?");
        }

        var rejected = 0;
        var addresses = new List<string>(added?.Count ?? 0);
        foreach (var item in added ?? [])
        {
            if (Canonical(item.Ip) is { } text)
            {
                addresses.Add(text);
            }
            else
            {
                rejected++;
            }
        }

        var gone = new List<string>(removed.Count);
        foreach (var ip in removed)
        {
            if (Canonical(ip) is { } text)
            {
                gone.Add(text);
            }
            else
            {
                rejected++;
            }
        }

        return new GuardPull(replace, meta.Cursor, meta.Truncated, meta.Total, addresses, gone, rejected);
    }

    /// <summary>The canonical text of a single address, or null for anything else (networks, names, script text).</summary>
    private static string? Canonical(string? ip)
        => IpAddressParser.TryParse(ip, out var address, out _) && (!address.IsIPv6 || address.Address.ScopeId == 0) ? address.Text : null;

    private async Task<GuardServerException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var detail = await ErrorTextAsync(response, cancellationToken);
        var answer = $"server {_http.BaseAddress} answered {status} {response.ReasonPhrase}{(detail is null ? "" : ": " + detail)}";
        return status switch
        {
            401 or 403 => new GuardServerException(GuardServerFailure.KeyRefused, answer + " (check --key / PALISADE_KEY and that the key's tier includes blocklists)"),
            429 => new GuardServerException(GuardServerFailure.RateLimited, answer, RetryAfter(response)),
            >= 500 or 408 => new GuardServerException(GuardServerFailure.Unavailable, answer),
            >= 300 and < 400 => new GuardServerException(GuardServerFailure.Misconfigured,
                answer + $" to {response.Headers.Location}; redirects are not followed, give the final address with --server"),
            _ => new GuardServerException(GuardServerFailure.Misconfigured, answer),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retry)
        {
            return null;
        }

        if (retry.Delta is { } delta)
        {
            return delta;
        }

        return retry.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    private static async Task<string?> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return null;
        }

        try
        {
            if (JsonSerializer.Deserialize(text, GuardJsonContext.Default.GuardErrorResponse)?.Error is { Length: > 0 } error)
            {
                text = error;
            }
        }
        catch (JsonException)
        {
            // Not the native error shape (a proxy's page, say): show its start.
        }

        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length == 0 ? null : text.Length > MaxErrorLength ? text[..MaxErrorLength] + "…" : text;
    }
}
