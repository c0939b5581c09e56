using Microsoft.AspNetCore.Http;
using Palisade.Server.IpSwamp.Contracts;

namespace Palisade.Server.IpSwamp;

/// <summary>IPSwamp's error responses: <c>{"error":true,"statusCode":N,"message":"…"}</c>.</summary>
internal static class IpSwampResults
{
    public const string KeyRequired = "API key required. Send it as Authorization: Bearer <api-key> or X-API-Key: <api-key>.";
    public const string InvalidKey = "Invalid API key";
    public const string UsageExceeded = "API usage limit exceeded. The daily quota resets at midnight UTC.";

    public static IResult Error(int status, string message)
        => TypedResults.Json(new IpSwampError(true, status, message), IpSwampJsonContext.Api.IpSwampError, statusCode: status);
}
