using Microsoft.Extensions.Logging;
using Palisade.Core.Quotas;
using Palisade.Core.Time;

namespace Palisade.Server.Dashboard;

/// <summary>
/// Failed sign-ins per client network and per account, in a sliding window, with a lock-out that doubles each time the
/// limit is hit again within a day. An attempt takes its place on both limits before the password is hashed (atomically,
/// in the <see cref="IAttemptLimiter"/>), so concurrent guesses cannot pass the limit together; a successful sign-in
/// gives the network's place back and clears the account. In a cluster the counters live in Redis: every node counts on
/// the same limits. When they cannot be reached, <see cref="TryBeginAsync"/> throws <see cref="QuotaUnavailableException"/>
/// and the sign-in is refused (503): guesses are never let through unmetered.
/// </summary>
public sealed class DashboardSignInLimiter(DashboardOptions options, IAttemptLimiter limiter, IClock clock, ILogger<DashboardSignInLimiter> logger)
{
    /// <summary>An allowed attempt, to be ended with <see cref="EndAsync"/>.</summary>
    public sealed record Attempt(string Id, IReadOnlyList<AttemptLimit> Limits);

    /// <summary>
    /// Takes a place for one attempt by <paramref name="network"/> at <paramref name="account"/> (null for a malformed
    /// e-mail): the attempt when allowed, else how long to wait.
    /// </summary>
    public async ValueTask<(Attempt? Attempt, TimeSpan Wait)> TryBeginAsync(string network, string? account)
    {
        var attempt = new Attempt(Guid.NewGuid().ToString("N"), Limits(network, account));
        return await limiter.TryBeginAsync(attempt.Id, attempt.Limits, clock.UtcNow) is { } wait ? (null, wait) : (attempt, TimeSpan.Zero);
    }

    /// <summary>
    /// Failed: it counts, and filling a limit locks that network or account out. Succeeded: the network's place is given
    /// back and the account's failures are forgotten. Abandoned (not checked, the server was too busy): nothing counts.
    /// </summary>
    public async ValueTask EndAsync(Attempt attempt, AttemptOutcome outcome)
    {
        try
        {
            await limiter.EndAsync(attempt.Id, attempt.Limits, outcome, clock.UtcNow);
        }
        catch (QuotaUnavailableException ex)
        {
            // The answer stands: a failed attempt's place was taken at the start and stays counted until the window passes.
            logger.LogWarning(ex, "Sign-in attempt ({Outcome}) could not be recorded in the shared limit counters", outcome);
        }
    }

    private List<AttemptLimit> Limits(string network, string? account)
    {
        var limits = new List<AttemptLimit> { new("signin:n:" + network, options.SignInAttempts, options.SignInWindow, LocksOut: true) };
        if (account is not null)
        {
            limits.Add(new("signin:a:" + account, options.SignInAttemptsPerAccount, options.SignInWindow, LocksOut: true, ForgetOnSuccess: true));
        }

        return limits;
    }
}
