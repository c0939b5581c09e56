using Microsoft.AspNetCore.Http;
using Palisade.Server.ReportedIp.Contracts;

namespace Palisade.Server.ReportedIp;

/// <summary>ReportedIP's envelope for successes and errors, with the seed's exact messages for 401, 403 and 429.</summary>
internal static class ReportedIpResults
{
    public const string Unauthorized = "Invalid or missing API key.";
    public const string Forbidden = "Your role does not have access to this endpoint.";
    public const string RateLimited = "Rate limit exceeded. Try again later.";

    public static IResult Ok<T>(T data, System.Text.Json.Serialization.Metadata.JsonTypeInfo<ReportedIpEnvelope<T>> type)
        => TypedResults.Json(new ReportedIpEnvelope<T>(new ReportedIpMeta(true, StatusCodes.Status200OK, "OK"), data), type);

    public static IResult Error(int status, string message)
        => TypedResults.Json(new ReportedIpEnvelope<object>(new ReportedIpMeta(false, status, message), null),
            ReportedIpJsonContext.Api.ReportedIpEnvelopeObject, statusCode: status);

    public static IResult TooManyRequests(long retryAfterSeconds)
        => TypedResults.Json(new ReportedIpEnvelope<ReportedIpRetry>(new ReportedIpMeta(false, StatusCodes.Status429TooManyRequests, RateLimited),
            new ReportedIpRetry(retryAfterSeconds)), ReportedIpJsonContext.Api.ReportedIpEnvelopeReportedIpRetry, statusCode: StatusCodes.Status429TooManyRequests);
}
