using Microsoft.AspNetCore.Http;
using Palisade.Server.AbuseIpdb.Contracts;

namespace Palisade.Server.AbuseIpdb;

/// <summary>AbuseIPDB's responses: <c>{"data":…}</c> and <c>{"errors":[{"detail","status"}]}</c>.</summary>
internal static class AbuseIpdbResults
{
    public const string AuthenticationFailed =
        "Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.";

    public static IResult Error(int status, string detail, string? parameter = null)
        => TypedResults.Json(
            new AbuseIpdbErrorBody([new AbuseIpdbError(detail, status) { Source = parameter is null ? null : new AbuseIpdbErrorSource(parameter) }]),
            AbuseIpdbJsonContext.Api.AbuseIpdbErrorBody,
            statusCode: status);

    /// <summary>422, AbuseIPDB's status for every validation error, naming the parameter.</summary>
    public static IResult Invalid(string parameter, string detail) => Error(StatusCodes.Status422UnprocessableEntity, detail, parameter);

    public static IResult RateLimited(long? limit)
        => Error(StatusCodes.Status429TooManyRequests,
            $"Daily rate limit of {limit} requests exceeded for this endpoint. See headers for additional details.");
}
