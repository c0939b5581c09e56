namespace Palisade.Core.Quotas;

/// <summary>One counter an attempt is charged to: at most <see cref="Limit"/> places within a sliding
/// <see cref="Window"/>.</summary>
/// <param name="Key">What is counted (e.g. a client network or an account); implementations may hash it.</param>
/// <param name="Limit">Places within the window.</param>
/// <param name="Window">How long a place is held.</param>
/// <param name="LocksOut">A failure that fills the limit locks the key out for the window, doubling for each further
/// lock-out within a day (at most a day), and frees its places.</param>
/// <param name="ForgetOnSuccess">A success clears the key entirely (places, lock-out history).</param>
public readonly record struct AttemptLimit(string Key, int Limit, TimeSpan Window, bool LocksOut = false, bool ForgetOnSuccess = false);

/// <summary>How an attempt that took its places ended.</summary>
public enum AttemptOutcome
{
    /// <summary>The places stay taken (until the window passes) and may trigger a lock-out.</summary>
    Failed,

    /// <summary>The places are given back (and keys marked <see cref="AttemptLimit.ForgetOnSuccess"/> cleared).</summary>
    Succeeded,

    /// <summary>The attempt was not judged (e.g. the server was too busy): its places are given back.</summary>
    Abandoned,
}

/// <summary>
/// Sliding-window attempt limits (dashboard sign-in and sign-up), the sibling of <see cref="IQuotaCounter"/> for limits
/// that are not daily quotas. An attempt takes a place on every one of its limits at once, or on none, atomically, so
/// concurrent attempts cannot pass a limit together; in a cluster every node counts on the same shared state. An
/// attempt never ended keeps its places until the window passes. Implementations keep nothing beyond a day after its
/// last use, and throw <see cref="QuotaUnavailableException"/> when the shared state cannot be reached (fail closed).
/// </summary>
public interface IAttemptLimiter
{
    /// <summary>Takes a place for <paramref name="attempt"/> (a unique id) on every limit: null when allowed, else how
    /// long until the first refusing limit frees a place.</summary>
    ValueTask<TimeSpan?> TryBeginAsync(string attempt, IReadOnlyList<AttemptLimit> limits, DateTimeOffset now);

    /// <summary>Ends an attempt that <see cref="TryBeginAsync"/> allowed, with the same limits.</summary>
    ValueTask EndAsync(string attempt, IReadOnlyList<AttemptLimit> limits, AttemptOutcome outcome, DateTimeOffset now);
}
