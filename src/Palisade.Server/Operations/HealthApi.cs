using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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

    public static IResult Healthz(ReputationIndex index)
        => TypedResults.Json(new { status = "ok", addresses = index.Count });

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
