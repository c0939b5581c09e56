using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Dashboard;

/// <summary>Headers on every dashboard response: only this origin's scripts and styles, never framed, no referrer, no caching.</summary>
internal sealed class DashboardSecurityHeaders : IEndpointFilter
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        return next(context);
    }
}
