using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Palisade.Cli.Client;

/// <summary>A successful answer read whole: its status, headers and body bytes exactly as they came.</summary>
internal sealed class ApiAnswer(HttpStatusCode status, HttpResponseHeaders headers, byte[] body)
{
    public HttpStatusCode Status { get; } = status;

    public HttpResponseHeaders Headers { get; } = headers;

    public byte[] Body { get; } = body;

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <exception cref="ClientFailureException">The body is not JSON (not a Palisade server, or a proxy's page).</exception>
    public JsonDocument Json()
    {
        try
        {
            return JsonDocument.Parse(Body);
        }
        catch (JsonException ex)
        {
            throw new ClientFailureException(ClientExitCodes.ServerOrNetwork,
                $"The server's answer is not JSON ({ex.Message}); is --server a Palisade server?");
        }
    }
}
