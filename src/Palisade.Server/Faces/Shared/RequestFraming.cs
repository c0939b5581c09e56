using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Faces.Shared;

/// <summary>
/// Refuses a request that frames its body twice (<c>Content-Length</c> and <c>Transfer-Encoding</c>) with 400 in the
/// face's shape: a proxy in front may read the body one way and this server the other (request smuggling).
/// </summary>
public static class RequestFraming
{
    public const string AmbiguousMessage = "A request must not carry both Content-Length and Transfer-Encoding.";

    public static Task GuardAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var headers = context.Request.Headers;
        // Kestrel lets Transfer-Encoding win and moves the Content-Length it received to X-Content-Length.
        if (headers.TransferEncoding.Count == 0 || (headers.ContentLength is null && !headers.ContainsKey("X-Content-Length")))
        {
            return next(context);
        }

        // The body is not read: close the connection after the answer rather than guess where the next request starts.
        context.Response.Headers.Connection = "close";
        return FaceDialects.For(context).Error(StatusCodes.Status400BadRequest, AmbiguousMessage).ExecuteAsync(context);
    }
}
