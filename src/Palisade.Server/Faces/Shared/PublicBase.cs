using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Palisade.Server.Faces.Shared;

/// <summary>
/// The base of absolute links a face writes into its answers: <see cref="PalisadeOptions.PublicBaseUrl"/> when set,
/// else the local address the connection arrived on — never the client-controlled Host header, which would let anyone
/// point a client's next request at a server of their choosing.
/// </summary>
public static class PublicBase
{
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var configured = http.RequestServices.GetRequiredService<PalisadeOptions>().PublicBaseUrl;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.TrimEnd('/');
        }

        var local = http.Connection.LocalIpAddress ?? IPAddress.Loopback;
        var host = local.AddressFamily == AddressFamily.InterNetworkV6 && !local.IsIPv4MappedToIPv6 ? "[" + local + "]" : local.MapToIPv4().ToString();
        return $"{http.Request.Scheme}://{host}:{http.Connection.LocalPort}{http.Request.PathBase}";
    }
}
