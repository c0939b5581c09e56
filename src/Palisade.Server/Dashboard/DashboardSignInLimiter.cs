using Palisade.Core.Time;

namespace Palisade.Server.Dashboard;

/// <summary>
/// Failed sign-ins per client network and per account, in a sliding window, with a lock-out that doubles each time the
/// limit is hit again within a day. An attempt takes its place before the password is hashed (under one lock), so
/// concurrent guesses cannot pass the limit together; a successful sign-in gives its place back and clears the account.
/// Kept in memory: each node of a cluster counts on its own.
/// </summary>
public sealed class DashboardSignInLimiter(DashboardOptions options, IClock clock)
{
    // Bounded: beyond this many tracked networks and accounts the idle ones are dropped first.
    private const int MaxTracked = 100_000;
    private static readonly TimeSpan MaxLockout = TimeSpan.FromDays(1);
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public int Pending { get; set; }

        public DateTimeOffset BlockedUntil { get; set; }

        public int Strikes { get; set; }

        public DateTimeOffset LastStrike { get; set; }
    }

    /// <summary>
    /// Takes a place for one attempt by <paramref name="network"/> at <paramref name="account"/> (null for a malformed
    /// e-mail): null when allowed (then call <see cref="Failed"/> or <see cref="Succeeded"/>), else how long to wait.
    /// </summary>
    public TimeSpan? TryBegin(string network, string? account)
    {
        var now = clock.UtcNow;
        lock (_lock)
        {
            if (_entries.Count >= MaxTracked)
            {
                Sweep(now);
            }

            var wait = TimeSpan.Zero;
            foreach (var (key, limit) in Keys(network, account))
            {
                if (_entries.TryGetValue(key, out var entry))
                {
                    Expire(entry, now);
                    if (entry.BlockedUntil > now)
                    {
                        wait = Max(wait, entry.BlockedUntil - now);
                    }
                    else if (entry.Failures.Count + entry.Pending >= limit)
                    {
                        // Places held by attempts still being checked: wait until the oldest failure leaves the window.
                        wait = Max(wait, entry.Failures.Count > 0 ? entry.Failures.Peek() + options.SignInWindow - now : TimeSpan.FromSeconds(1));
                    }
                }
            }

            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            foreach (var (key, _) in Keys(network, account))
            {
                if (!_entries.TryGetValue(key, out var entry))
                {
                    _entries[key] = entry = new Entry();
                }

                entry.Pending++;
            }

            return null;
        }
    }

    /// <summary>The attempt failed: it counts, and reaching a limit locks that network or account out.</summary>
    public void Failed(string network, string? account)
    {
        var now = clock.UtcNow;
        lock (_lock)
        {
            foreach (var (key, limit) in Keys(network, account))
            {
                if (!_entries.TryGetValue(key, out var entry))
                {
                    continue;
                }

                entry.Pending = Math.Max(0, entry.Pending - 1);
                entry.Failures.Enqueue(now);
                if (entry.Failures.Count >= limit)
                {
                    entry.Strikes = now - entry.LastStrike < MaxLockout ? entry.Strikes + 1 : 1;
                    entry.LastStrike = now;
                    var lockout = options.SignInWindow * Math.Pow(2, Math.Min(entry.Strikes - 1, 16));
                    entry.BlockedUntil = now + (lockout < MaxLockout ? lockout : MaxLockout);
                    entry.Failures.Clear();
                }
            }
        }
    }

    /// <summary>The password was right: the network's place is given back and the account's failures are forgotten.</summary>
    public void Succeeded(string network, string? account)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(NetworkKey(network), out var entry))
            {
                entry.Pending = Math.Max(0, entry.Pending - 1);
            }

            if (account is not null)
            {
                _entries.Remove(AccountKey(account));
            }
        }
    }

    /// <summary>The attempt was not checked (the server was too busy): its places are given back, nothing counts.</summary>
    public void Abandoned(string network, string? account)
    {
        lock (_lock)
        {
            foreach (var (key, _) in Keys(network, account))
            {
                if (_entries.TryGetValue(key, out var entry))
                {
                    entry.Pending = Math.Max(0, entry.Pending - 1);
                }
            }
        }
    }

    private IEnumerable<(string Key, int Limit)> Keys(string network, string? account)
    {
        yield return (NetworkKey(network), options.SignInAttempts);
        if (account is not null)
        {
            yield return (AccountKey(account), options.SignInAttemptsPerAccount);
        }
    }

    private static string NetworkKey(string network) => "n:" + network;

    private static string AccountKey(string account) => "a:" + account;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            Expire(entry, now);
            if (entry.Failures.Count == 0 && entry.Pending == 0 && entry.BlockedUntil <= now && now - entry.LastStrike >= MaxLockout)
            {
                _entries.Remove(key);
            }
        }
    }

    private void Expire(Entry entry, DateTimeOffset now)
    {
        while (entry.Failures.Count > 0 && now - entry.Failures.Peek() >= options.SignInWindow)
        {
            entry.Failures.Dequeue();
        }
    }
}
