using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Palisade.Core.Geo;
using Palisade.Core.Reputation;
using Palisade.Core.Storage;

namespace Palisade.Server.Operations;

/// <summary><c>/healthz</c>: the process is up and the engine loaded. <c>/readyz</c>: the store answers and can write
/// right now, and the dashboard's data protection keys can be read (a corrupt key file would make every dashboard page
/// fail); that key problem is also logged as an error at start.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Healthz).WithTags("Operations").WithName("Healthz")
            .WithSummary("Liveness: the process answers; how many addresses it holds and which geo data it uses.")
            .Produces<HealthStatus>();
        app.MapGet("/readyz", Readyz).WithTags("Operations").WithName("Readyz")
            .WithSummary("Readiness: the store takes writes and the dashboard's keys can be read (503 otherwise).")
            .Produces<ReadinessStatus>().Produces<ReadinessStatus>(StatusCodes.Status503ServiceUnavailable);
        var services = app.ServiceProvider;
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
        {
            if (DashboardKeysProblem(services) is { } problem)
            {
                services.GetRequiredService<ILoggerFactory>().CreateLogger("Palisade.Health").LogError("{Problem}", problem);
            }
        });
        return app;
    }

    /// <summary>Null when the dashboard's keys protect and unprotect a value; otherwise what is wrong, for the operator.</summary>
    public static string? DashboardKeysProblem(IServiceProvider services)
    {
        if (services.GetService<IDataProtectionProvider>() is not { } provider)
        {
            return null;
        }

        try
        {
            var protector = provider.CreateProtector("Palisade.Readiness");
            protector.Unprotect(protector.Protect("ready"u8.ToArray()));
            return null;
        }
        catch (Exception ex)
        {
            // Whatever the key ring throws (malformed XML, an unreadable file, a key it cannot decrypt) is the answer.
            var folder = Path.Combine(Path.GetFullPath(services.GetRequiredService<PalisadeOptions>().DataDirectory), "dashboard-keys");
            return $"The dashboard's keys in {folder} cannot be read ({ex.GetType().Name}: {ex.Message}); dashboard sign-in and forms fail until the bad file is restored or removed.";
        }
    }

    /// <summary>Also says which geo data answers and when it was built (it goes stale: re-run <c>palisade geo install</c>).</summary>
    public static IResult Healthz(ReputationIndex index, IGeoLookup geo)
        => TypedResults.Json(new HealthStatus("ok", index.Count, new GeoHealth(geo.IsAvailable, Day(geo.Data.BuildDate),
            [.. geo.Data.Sources.Select(s => new GeoSourceHealth(s.Kind, s.Format, Day(s.BuildDate)))])));

    private static string? Day(DateTimeOffset? date) => date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<IResult> Readyz(IStoreHealth store, HttpContext http)
    {
        if (DashboardKeysProblem(http.RequestServices) is { } problem)
        {
            return TypedResults.Json(new ReadinessStatus("unavailable", problem), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        var ok = false;
        try
        {
            ok = await store.PingAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        return ok
            ? TypedResults.Json(new ReadinessStatus("ready"))
            : TypedResults.Json(new ReadinessStatus("unavailable", "The database cannot be reached, or its disk takes no writes."), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
