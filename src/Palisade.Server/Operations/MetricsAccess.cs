using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Palisade.Server.Operations;

/// <summary>The optional bearer token of <c>/metrics</c> (<see cref="MetricsOptions.Token"/>).</summary>
public sealed class MetricsAccess
{
    // Only a hash is kept; comparing fixed-length hashes in constant time leaks neither the token nor its length.
    private readonly byte[]? _tokenHash;

    public MetricsAccess(MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tokenHash = string.IsNullOrEmpty(options.Token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Token));
    }

    public bool RequiresToken => _tokenHash is not null;

    public bool Allows(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_tokenHash is null)
        {
            return true;
        }

        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }
}
