using Microsoft.AspNetCore.Http;
using Palisade.Server.CrowdSec.Contracts;

namespace Palisade.Server.CrowdSec;

/// <summary>LAPI's error responses: <c>{"message":"…"}</c>.</summary>
internal static class CrowdSecResults
{
    public static IResult Error(int status, string message)
        => TypedResults.Json(new CrowdSecMessage(message), CrowdSecJsonContext.Api.CrowdSecMessage, statusCode: status);
}
