using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Palisade.Server.Proxies;

/// <summary>
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>, honoured only from the proxies named in
/// <c>Palisade:ForwardedHeaders:TrustedProxies</c> (<see cref="TrustedProxyOptions"/>). Then limits and reporter
/// addresses see the client's address, and a request that reached the proxy over TLS counts as HTTPS (the dashboard's
/// cookies get <c>Secure</c>). Without the setting the headers are ignored: anyone could send them.
/// </summary>
public static class TrustedProxies
{
    /// <summary>Binds and checks the setting (the start fails naming it and the bad entry) and derives the framework's
    /// forwarded-headers options from it.</summary>
    public static IServiceCollection AddPalisadeForwardedHeaders(this IServiceCollection services)
    {
        services.AddPalisadeSection<TrustedProxyOptions>(TrustedProxyOptions.Section);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            var (addresses, networks, _) = trusted.Value.Parse();
            // Only the configured proxies (the defaults trust loopback); each hop is unwrapped while it is one of them.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            forwarded.ForwardLimit = null;
            forwarded.ForwardedHeaders = addresses.Count + networks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var address in addresses)
            {
                forwarded.KnownProxies.Add(address);
            }

            foreach (var network in networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    /// <summary>First in the pipeline, so everything after it (metrics, limits, cookies) sees the client as the proxy saw
    /// it. With no trusted proxy it changes nothing, so it is left out of the pipeline (the framework's middleware would
    /// still copy the connection's address per request). Decided when the pipeline is built, as the middleware reads its
    /// options then.</summary>
    public static IApplicationBuilder UsePalisadeForwardedHeaders(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Use(next =>
        {
            var services = app.ApplicationServices;
            var options = services.GetRequiredService<IOptions<ForwardedHeadersOptions>>();
            return options.Value.ForwardedHeaders == ForwardedHeaders.None
                ? next
                : new ForwardedHeadersMiddleware(next, services.GetRequiredService<ILoggerFactory>(), options).Invoke;
        });
    }
}
