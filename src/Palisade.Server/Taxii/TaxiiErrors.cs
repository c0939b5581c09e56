using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Taxii;

/// <summary>TAXII 2.1 error message resources; <c>http_status</c> always equals the response status.</summary>
internal static class TaxiiErrors
{
    public static TaxiiResult Error(int status, string title, string description, string errorCode, bool withErrorField = false)
        => new(status, TaxiiJson.Object(writer =>
        {
            if (withErrorField)
            {
                // SikkerAPI's client prints a 429's "error" (else only "rate limited"); its paths add it to the resource.
                writer.WriteString("error", description);
            }

            writer.WriteString("title", title);
            writer.WriteString("description", description);
            writer.WriteString("error_code", errorCode);
            writer.WriteString("http_status", status.ToString(CultureInfo.InvariantCulture));
        }));

    public static TaxiiResult BadRequest(string description) => Error(StatusCodes.Status400BadRequest, "Bad request", description, "bad_parameter");

    public static TaxiiResult NotFound(string description) => Error(StatusCodes.Status404NotFound, "Not found", description, "not_found");

    public static TaxiiResult Unauthorized(string description) => Error(StatusCodes.Status401Unauthorized, "Authentication required", description, "unauthorized");

    public static TaxiiResult Forbidden(string description) => Error(StatusCodes.Status403Forbidden, "Forbidden", description, "forbidden");

    public static TaxiiResult NotAcceptable(string description) => Error(StatusCodes.Status406NotAcceptable, "Not acceptable", description, "not_acceptable");
}
