using Microsoft.AspNetCore.Http;
using Palisade.Core.Blocklists;

namespace Palisade.Server.Access;

/// <summary>
/// Sends a rendered blocklist as it is: cached pieces are copied into the response pipe (a million-line list costs a
/// memory copy), lists too large to cache are rendered into it while sending (chunked, no Content-Length).
/// </summary>
public sealed class BlocklistResult(RenderedBlocklist rendered) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = rendered.ContentType;
        response.ContentLength = rendered.Length;
        if (rendered.Gzipped)
        {
            response.Headers.ContentEncoding = "gzip";
        }

        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }

        await rendered.WriteToAsync(response.BodyWriter, httpContext.RequestAborted);
    }

    /// <summary>Whether Accept-Encoding names gzip (or *) without <c>q=0</c>.</summary>
    public static bool AcceptsGzip(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var value in request.Headers.AcceptEncoding)
        {
            foreach (var coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = coding.Split(';', StringSplitOptions.TrimEntries);
                if ((parts[0].Equals("gzip", StringComparison.OrdinalIgnoreCase) || parts[0] == "*") &&
                    !parts.Skip(1).Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "q=0" or "q=0.0" or "q=0.00" or "q=0.000"))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
