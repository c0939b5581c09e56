namespace Palisade.Cli.Client;

/// <summary>
/// Exit codes of the client commands (docs/cli.md), distinct so a script can tell "fix the command" from "fix the key"
/// from "wait until midnight UTC" from "try again later".
/// </summary>
internal static class ClientExitCodes
{
    public const int Success = 0;

    /// <summary>The server refused the request (400, 404, 413, …) or refused some rows of a bulk upload.</summary>
    public const int Refused = 1;

    /// <summary>Bad arguments: refused locally before any request was sent.</summary>
    public const int Usage = 2;

    /// <summary>No key, an unknown or revoked key (401), or a key whose tier lacks the feature (403).</summary>
    public const int Authentication = 3;

    /// <summary>The key's daily quota for the endpoint family is used up (429).</summary>
    public const int QuotaExhausted = 4;

    /// <summary>The server could not be reached, timed out, failed (5xx), redirected, or answered something unreadable.</summary>
    public const int ServerOrNetwork = 5;
}
