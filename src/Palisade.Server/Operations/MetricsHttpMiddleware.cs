using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Server.Access;

namespace Palisade.Server.Operations;

/// <summary>
/// Counts and times every request. Runs first in the pipeline, so it sees the status the client got, including the
/// error handler's 500/503. Labels are bounded: the face (<see cref="MetricsFaces"/>), the route template (never the
/// raw path: no address, key or username reaches a label), a known method and the status code.
/// </summary>
public sealed class MetricsHttpMiddleware(RequestDelegate next, MetricsRegistry metrics)
{
    private const string Unmatched = "unmatched";

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var face = MetricsFaces.Of(context.Request.Path);
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            // An exception that got this far (the response had started) leaves the client with a broken response: a 500.
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            metrics.RecordRequest(face, Method(context.Request.Method), Route(context), status, Stopwatch.GetElapsedTime(started),
                status == StatusCodes.Status429TooManyRequests ? RefusedFamily(context) : null);
        }
    }

    private static string Route(HttpContext context)
    {
        // The error handler clears the endpoint before writing its answer; it keeps the one that failed.
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        return endpoint is RouteEndpoint { RoutePattern.RawText: { } template } ? template : Unmatched;
    }

    private static string Method(string method) => method switch
    {
        _ when HttpMethods.IsGet(method) => "GET",
        _ when HttpMethods.IsPost(method) => "POST",
        _ when HttpMethods.IsDelete(method) => "DELETE",
        _ when HttpMethods.IsPut(method) => "PUT",
        _ when HttpMethods.IsPatch(method) => "PATCH",
        _ when HttpMethods.IsHead(method) => "HEAD",
        _ when HttpMethods.IsOptions(method) => "OPTIONS",
        _ => "OTHER",
    };

    // Every keyed face's access filter leaves an AccessContext naming the endpoint's quota family; a 429 without one
    // is ReportedIP's per-address quota of calls without a key.
    private static string RefusedFamily(HttpContext context)
        => AccessContext.Find(context) is { } access ? MetricsRegistry.FamilyLabel(access.Decision?.Family ?? access.Family) : "public";
}
