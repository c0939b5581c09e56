using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;

namespace Palisade.Server.Access;

/// <summary>
/// Finds the API key in a request, in every form the supported dialects' clients send it:
/// <c>Authorization: Bearer</c>, <c>X-API-Key</c> (also CrowdSec's <c>X-Api-Key</c>), <c>X-Key</c>, <c>Key</c>, <c>?key=</c> and <c>?api_key=</c> (IPSwamp's clients);
/// also HTTP Basic with the key as password (TAXII clients, and tools such as CSF that can only put credentials in
/// the URL's user-info: it travels as a header, never in the logged request line).
/// </summary>
public static class ApiKeyReader
{
    public static string? Read(HttpRequest request)
    {
        var headers = request.Headers;
        var authorization = headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization[7..].Trim();
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return ReadBasic(authorization[6..].Trim());
        }

        foreach (var name in (ReadOnlySpan<string>)["X-API-Key", "X-Key", "Key"])
        {
            if (headers.TryGetValue(name, out var value) && value.Count > 0 && !string.IsNullOrWhiteSpace(value[0]))
            {
                return value[0]!.Trim();
            }
        }

        foreach (var name in (ReadOnlySpan<string>)["key", "api_key"])
        {
            if (request.Query.TryGetValue(name, out var query) && !string.IsNullOrWhiteSpace(query[0]))
            {
                return query[0]!.Trim();
            }
        }

        return null;
    }

    /// <summary>
    /// The key the request presents, hashed (<see cref="PresentedSecret"/>). Kestrel keeps a header's text from one
    /// request to the next on an HTTP/1.x connection when it is the same (the same string instance), so the hash of an
    /// <c>Authorization</c> header is kept on the connection with that instance and the connection's next request with
    /// it is not hashed again: clients send the same key on every request of a connection. Only that header's text is
    /// remembered by reference; any other header, another text or HTTP/2 (whose streams run at once) is read and hashed
    /// as <see cref="Read"/> reads it.
    /// </summary>
    public static PresentedSecret ReadPresented(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var authorization = http.Request.Headers.Authorization;
        if (authorization.Count != 1 || authorization[0] is not { } text
            || !(text.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || text.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            || !(HttpProtocol.IsHttp11(http.Request.Protocol) || HttpProtocol.IsHttp10(http.Request.Protocol))
            || http.Features.Get<IConnectionItemsFeature>()?.Items is not { } connection)
        {
            return PresentedSecret.Of(Read(http.Request));
        }

        if (connection.TryGetValue(ConnectionSlot, out var kept) && kept is KeptSecret same && ReferenceEquals(same.Header, text))
        {
            return same.Presented;
        }

        // Read takes the key from this header alone when it is Bearer or Basic.
        var presented = PresentedSecret.Of(Read(http.Request));
        connection[ConnectionSlot] = new KeptSecret(text, presented);
        return presented;
    }

    private static readonly object ConnectionSlot = new();

    private sealed record KeptSecret(string Header, PresentedSecret Presented);

    /// <summary>The password of Basic credentials (the user name is free), or the user name when the password is empty.</summary>
    private static string ReadBasic(string encoded)
    {
        if (encoded.Length > 1024)
        {
            return encoded; // refused as invalid by the key ring
        }

        string decoded;
        try
        {
            decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return encoded;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return decoded;
        }

        var password = decoded[(colon + 1)..];
        return password.Length > 0 ? password : decoded[..colon];
    }
}
