using System.Text;
using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Taxii;

/// <summary>A TAXII response body with the exact TAXII Content-Type (ASP.NET's JSON results would add a charset).</summary>
public sealed class TaxiiResult(int statusCode, string body) : IResult
{
    public int StatusCode { get; } = statusCode;

    public string Body { get; } = body;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var bytes = Encoding.UTF8.GetBytes(Body);
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = TaxiiMediaTypes.Taxii;
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
