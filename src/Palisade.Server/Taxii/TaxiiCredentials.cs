using System.Text;
using Microsoft.AspNetCore.Http;
using Palisade.Server.Access;

namespace Palisade.Server.Taxii;

/// <summary>
/// The API key of a TAXII request. HTTP Basic, which TAXII makes mandatory and SIEM connectors send: the password is
/// the key, the user name anything (a key in the user name with an empty password works too). Otherwise every form
/// the other faces accept, Bearer first (SikkerAPI's CLI, Elastic).
/// </summary>
public static class TaxiiCredentials
{
    public static string? Read(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var encoded = authorization[6..].Trim();
            if (encoded.Length > 1024)
            {
                return encoded; // refused as invalid by the key ring
            }

            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
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

        return ApiKeyReader.Read(request);
    }

    /// <summary>Whether the request carries credentials at all.</summary>
    public static bool Present(HttpRequest request) => !string.IsNullOrEmpty(Read(request));
}
