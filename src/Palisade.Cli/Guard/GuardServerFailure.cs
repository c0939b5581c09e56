namespace Palisade.Cli.Guard;

/// <summary>Why a pull failed, which decides what the guard does next.</summary>
internal enum GuardServerFailure
{
    /// <summary>Network error, timeout or 5xx: keep the sets, retry next interval.</summary>
    Unavailable,

    /// <summary>401/403: the key is wrong or revoked; retrying cannot help.</summary>
    KeyRefused,

    /// <summary>429: wait for Retry-After.</summary>
    RateLimited,

    /// <summary>400 and other answers the configuration causes (bad filter, redirect): retrying cannot help.</summary>
    Misconfigured,
}
