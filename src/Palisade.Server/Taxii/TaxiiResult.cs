using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Taxii;

/// <summary>A TAXII response body with the exact TAXII Content-Type (ASP.NET's JSON results would add a charset).</summary>
public sealed class TaxiiResult : IResult
{
    private readonly TaxiiJson.Body _body;

    internal TaxiiResult(int statusCode, TaxiiJson.Body body) => (StatusCode, _body) = (statusCode, body);

    public int StatusCode { get; }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        try
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCode;
            response.ContentType = TaxiiMediaTypes.Taxii;
            response.ContentLength = _body.Length;
            await response.Body.WriteAsync(_body.Memory, httpContext.RequestAborted);
        }
        finally
        {
            _body.Return();
        }
    }
}
