using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Palisade.Server.Operations;

/// <summary>
/// <c>GET /bench/bare[?bytes=N]</c>: a fixed JSON document written straight from memory, the baseline the check
/// benchmark (bench/check) compares <c>/v1/key/check</c> against. Mapped only with <c>Palisade:BenchmarkEndpoints=true</c>.
/// </summary>
public static class BenchmarkApi
{
    /// <summary>Size of a verbose check answer for an address with one report (measured; bench/check passes its own).</summary>
    public const int DefaultDocumentBytes = 1400;

    public const int MaxDocumentBytes = 64 * 1024;

    private const string Prefix = "{\"ip\":\"192.0.2.1\",\"found\":false,\"padding\":\"";
    private const string Suffix = "\"}";

    public static readonly int MinDocumentBytes = Prefix.Length + Suffix.Length;

    // The last document built: benchmarks ask for one size over and over, so this is built once per run.
    private static byte[] _document = Build(DefaultDocumentBytes);

    public static IEndpointRouteBuilder MapBenchmarkApi(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<PalisadeOptions>().BenchmarkEndpoints)
        {
            // A benchmark baseline, off in production: not part of the described API.
            app.MapGet("/bench/bare", Bare).WithTags("Operations").WithName("BenchmarkBare").ExcludeFromDescription();
        }

        return app;
    }

    public static Task Bare(HttpContext http)
    {
        var size = DefaultDocumentBytes;
        if (http.Request.Query.TryGetValue("bytes", out var text) &&
            (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < MinDocumentBytes || size > MaxDocumentBytes))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return http.Response.WriteAsJsonAsync(new Dictionary<string, string>
            {
                ["error"] = $"bytes must be a whole number from {MinDocumentBytes} to {MaxDocumentBytes}.",
            });
        }

        var document = Volatile.Read(ref _document);
        if (document.Length != size)
        {
            document = Build(size);
            Volatile.Write(ref _document, document);
        }

        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.ContentLength = document.Length;
        return http.Response.Body.WriteAsync(document, http.RequestAborted).AsTask();
    }

    private static byte[] Build(int size)
    {
        var builder = new StringBuilder(size);
        builder.Append(Prefix).Append('x', size - Prefix.Length - Suffix.Length).Append(Suffix);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
