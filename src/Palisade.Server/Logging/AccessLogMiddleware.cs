using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Palisade.Server.Logging;

/// <summary>The optional access log: one line per request, written when the response is complete.</summary>
internal sealed class AccessLogMiddleware(RequestDelegate next, ILoggerFactory loggers)
{
    public const string Category = "Palisade.Access";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var request = context.Request;
            // Redacted here too, so a provider other than Palisade's console formatter never sees the key either.
            var target = LogText.Clean(request.PathBase + request.Path + request.QueryString);
            _logger.LogInformation("{Client} \"{Method} {Target}\" {Status} {Bytes} {Elapsed:0.0}ms",
                context.Connection.RemoteIpAddress, LogText.Clean(request.Method), target, context.Response.StatusCode,
                context.Response.ContentLength, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
