using Microsoft.AspNetCore.Http;
using Palisade.Server.Native.Contracts;

namespace Palisade.Server.Native;

/// <summary>Native error responses: <c>{"error": "…"}</c> with the status.</summary>
internal static class NativeResults
{
    public static IResult Error(int status, string message)
        => TypedResults.Json(new NativeError(message), NativeJsonContext.Api.NativeError, statusCode: status);

    public static IResult ReportError(int status, string message)
        => TypedResults.Json(new NativeReportResponse(false) { Error = message }, NativeJsonContext.Api.NativeReportResponse, statusCode: status);
}
