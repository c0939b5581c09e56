using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Palisade.Server.Operations;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text exposition format 0.0.4 (see docs/deploy.md, "Metrics"). Open unless
/// <c>Palisade:Metrics:Token</c> is set; then it needs <c>Authorization: Bearer &lt;token&gt;</c> and answers 401 otherwise.
/// </summary>
public static class MetricsApi
{
    /// <summary>Counts and times every request; call first, before the error handler, to see the status clients get.</summary>
    public static IApplicationBuilder UsePalisadeMetrics(this IApplicationBuilder app) => app.UseMiddleware<MetricsHttpMiddleware>();

    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", Scrape).WithTags("Operations").WithName("Metrics")
            .WithSummary("Prometheus metrics (text exposition format 0.0.4); needs the bearer token when Palisade:Metrics:Token is set.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .Produces<Native.Contracts.NativeError>(StatusCodes.Status401Unauthorized);
        return app;
    }

    public static async Task Scrape(HttpContext http, MetricsAccess access, MetricsRegistry metrics)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (!access.Allows(http.Request))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"palisade-metrics\"";
            await http.Response.WriteAsJsonAsync(new Dictionary<string, string>
            {
                ["error"] = "This endpoint needs Authorization: Bearer <token> with the configured Palisade:Metrics:Token.",
            }, http.RequestAborted);
            return;
        }

        // Collected whole before anything is sent: a failure mid-way is then a clean 500, never a truncated exposition.
        var body = await metrics.CollectAsync(http.RequestAborted);
        http.Response.ContentType = MetricsRegistry.ContentType;
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}
