using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;

namespace Palisade.Cli.Client;

/// <summary>
/// HTTP to one Palisade server with one key: the key goes only into the Authorization header, redirects are never
/// followed (API paths never redirect, and following one could carry the key elsewhere), gzip is accepted, and every
/// status other than success becomes a <see cref="ClientFailureException"/> with its exit code.
/// </summary>
internal sealed class PalisadeApiClient : IDisposable
{
    /// <summary>An error body is only read for its message; a misbehaving server cannot make us hold more.</summary>
    private const int MaxErrorBodyBytes = 64 * 1024;

    /// <summary>Answers read whole (check, status, a TAXII page) are small; anything larger is not a Palisade answer.</summary>
    private const int MaxAnswerBytes = 64 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly string _server;

    public PalisadeApiClient(string server, string key, TimeSpan timeout)
    {
        _server = server;
        Key = key;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = timeout,
        };
        _http = new HttpClient(handler) { Timeout = timeout };
        var version = typeof(PalisadeApiClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "dev";
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("palisade-cli", version));
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public string Key { get; }

    public string Server => _server;

    public HttpRequestMessage Request(HttpMethod method, string pathAndQuery, string accept = "application/json")
    {
        var request = new HttpRequestMessage(method, _server + pathAndQuery);
        request.Headers.Accept.ParseAdd(accept);
        return request;
    }

    /// <summary>Sends a request and reads the whole successful answer.</summary>
    public async Task<ApiAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var response = await SendStreamingAsync(request, cancellationToken);
        var body = await ReadBoundedAsync(response, MaxAnswerBytes, cancellationToken)
            ?? throw new ClientFailureException(ClientExitCodes.ServerOrNetwork, $"The server's answer is larger than {MaxAnswerBytes / 1024 / 1024} MB.");
        return new ApiAnswer(response.StatusCode, response.Headers, body);
    }

    public Task<ApiAnswer> GetAsync(string pathAndQuery, CancellationToken cancellationToken, string accept = "application/json")
        => SendAsync(Request(HttpMethod.Get, pathAndQuery, accept), cancellationToken);

    /// <summary>Sends a request and returns once the headers of a successful answer are in; the caller streams the body.</summary>
    public async Task<HttpResponseMessage> SendStreamingAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                throw await FailureAsync(response, cancellationToken);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<ClientFailureException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            return new ClientFailureException(ClientExitCodes.ServerOrNetwork,
                $"The server answered HTTP {status} redirecting to '{response.Headers.Location}'. Palisade API paths never redirect: check --server (http or https, host, path prefix).");
        }

        string message;
        try
        {
            message = ApiErrorMessage.From(await ReadBoundedAsync(response, MaxErrorBodyBytes, cancellationToken) ?? []);
        }
        catch (HttpRequestException)
        {
            message = "(the error body could not be read)";
        }

        return status switch
        {
            401 => new ClientFailureException(ClientExitCodes.Authentication, $"Authentication failed (HTTP 401): {message} Check --key / PALISADE_KEY."),
            403 => new ClientFailureException(ClientExitCodes.Authentication, $"Not allowed (HTTP 403): {message}"),
            429 => new ClientFailureException(ClientExitCodes.QuotaExhausted, $"Quota exhausted (HTTP 429): {message}{ResetsIn(response)}"),
            >= 500 => new ClientFailureException(ClientExitCodes.ServerOrNetwork, $"Server error (HTTP {status}): {message}"),
            _ => new ClientFailureException(ClientExitCodes.Refused, $"Refused (HTTP {status}): {message}"),
        };
    }

    private static string ResetsIn(HttpResponseMessage response)
        => response.Headers.TryGetValues("Retry-After", out var values) &&
           long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? $" (resets in {QuotaLine.Duration(TimeSpan.FromSeconds(seconds))})"
            : string.Empty;

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
