using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Geo;
using Palisade.Core.Reputation;
using Palisade.Core.Storage;

namespace Palisade.Server.Operations;

/// <summary><c>/healthz</c>: the process is up and the engine loaded. <c>/readyz</c>: the store answers right now.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Healthz).WithTags("Operations");
        app.MapGet("/readyz", Readyz).WithTags("Operations");
        return app;
    }

    /// <summary>Also says which geo data answers and when it was built (it goes stale: re-run <c>palisade geo install</c>).</summary>
    public static IResult Healthz(ReputationIndex index, IGeoLookup geo)
        => TypedResults.Json(new
        {
            status = "ok",
            addresses = index.Count,
            geo = new
            {
                installed = geo.IsAvailable,
                buildDate = geo.Data.BuildDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                sources = geo.Data.Sources.Select(s => new { kind = s.Kind, format = s.Format, buildDate = s.BuildDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }),
            },
        });

    public static async Task<IResult> Readyz(IStoreHealth store, HttpContext http)
    {
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
            ? TypedResults.Json(new { status = "ready" })
            : TypedResults.Json(new { status = "unavailable", error = "The database cannot be reached." }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
