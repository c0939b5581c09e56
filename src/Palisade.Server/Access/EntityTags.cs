using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Access;

/// <summary>Entity tags and <c>If-None-Match</c>, shared by every face that lets clients revalidate (304, not charged).</summary>
public static class EntityTags
{
    /// <summary>A strong tag over an answer's bytes: equal bodies, equal tags.</summary>
    public static string Of(ReadOnlySpan<byte> content) => "\"" + Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12)) + "\"";

    /// <summary>Whether <c>If-None-Match</c> names the tag (or <c>*</c>); a weak <c>W/</c> form matches too.</summary>
    public static bool Matches(HttpRequest request, string etag)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var value in request.Headers.IfNoneMatch)
        {
            foreach (var candidate in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (candidate == "*" || candidate == etag || (candidate.StartsWith("W/", StringComparison.Ordinal) && candidate[2..] == etag))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
