using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Palisade.Server.Proxies;

/// <summary>
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, honoured only from the proxies named in
/// <c>Palisade:ForwardedHeaders:TrustedProxies</c> (addresses or CIDR networks, comma-separated). Then limits and
/// reporter addresses see the client's address, and a request that reached the proxy over TLS counts as HTTPS (the
/// dashboard's cookies get <c>Secure</c>). Without the setting the headers are ignored: anyone could send them.
/// </summary>
public static class TrustedProxies
{
    public const string Setting = "Palisade:ForwardedHeaders:TrustedProxies";

    /// <summary>Reads and checks the setting; the start fails with a message naming it when an entry is not an address or network.</summary>
    public static IServiceCollection AddPalisadeForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var (addresses, networks) = Parse(configuration[Setting]);
        if (addresses.Count == 0 && networks.Count == 0)
        {
            return services;
        }

        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies (the defaults trust loopback); each hop is unwrapped while it is one of them.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            forwarded.ForwardLimit = null;
            foreach (var address in addresses)
            {
                forwarded.KnownProxies.Add(address);
            }

            foreach (var network in networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        services.AddSingleton(new Marker());
        return services;
    }

    /// <summary>First in the pipeline, so everything after it (metrics, limits, cookies) sees the client as the proxy saw it.</summary>
    public static IApplicationBuilder UsePalisadeForwardedHeaders(this IApplicationBuilder app)
        => app.ApplicationServices.GetService<Marker>() is null ? app : app.UseForwardedHeaders();

    /// <summary>The addresses and networks of a comma-separated list; throws naming the setting on a bad entry.</summary>
    public static (IReadOnlyList<IPAddress> Addresses, IReadOnlyList<System.Net.IPNetwork> Networks) Parse(string? value)
    {
        var addresses = new List<IPAddress>();
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in (value ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address))
            {
                addresses.Add(address);
                if (address.IsIPv4MappedToIPv6 is false && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    addresses.Add(address.MapToIPv6()); // Kestrel on a dual-stack socket reports IPv4 peers in mapped form
                }
            }
            else
            {
                throw new InvalidOperationException(
                    $"{Setting}: '{entry}' is not an IP address or CIDR network (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8).");
            }
        }

        return (addresses, networks);
    }

    private sealed class Marker;
}
