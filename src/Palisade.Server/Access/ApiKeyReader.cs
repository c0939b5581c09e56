using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Access;

/// <summary>
/// Finds the API key in a request, in every form the supported dialects' clients send it:
/// <c>Authorization: Bearer</c>, <c>X-API-Key</c> (also CrowdSec's <c>X-Api-Key</c>), <c>X-Key</c>, <c>Key</c>, <c>?key=</c> and <c>?api_key=</c> (IPSwamp's clients).
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
}
