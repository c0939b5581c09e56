namespace Palisade.Core.Quotas;

/// <summary>
/// <see cref="IAttemptLimiter"/> for a single node: the process that holds the data folder's lock is the only one
/// counting, so its memory is the shared state. One lock makes take-all-or-nothing atomic; the table is bounded (idle
/// keys are dropped first when it fills).
/// </summary>
public sealed class InMemoryAttemptLimiter : IAttemptLimiter
{
    /// <summary>How long a lock-out history is remembered, and the longest lock-out.</summary>
    public static readonly TimeSpan MaxLockout = TimeSpan.FromDays(1);

    private const int MaxTracked = 100_000;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private sealed class Entry
    {
        // Bounded by the limit: a place is only taken below it.
        public List<(string Attempt, DateTimeOffset At)> Places { get; } = [];

        public TimeSpan Window { get; set; }

        public DateTimeOffset BlockedUntil { get; set; }

        public int Strikes { get; set; }

        public DateTimeOffset LastStrike { get; set; }
    }

    public ValueTask<TimeSpan?> TryBeginAsync(string attempt, IReadOnlyList<AttemptLimit> limits, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_entries.Count >= MaxTracked)
            {
                Sweep(now);
            }

            var wait = TimeSpan.Zero;
            foreach (var limit in limits)
            {
                if (!_entries.TryGetValue(limit.Key, out var entry))
                {
                    continue;
                }

                Expire(entry, limit.Window, now);
                if (entry.BlockedUntil > now)
                {
                    wait = Max(wait, entry.BlockedUntil - now);
                }
                else if (entry.Places.Count >= limit.Limit)
                {
                    wait = Max(wait, Max(entry.Places[0].At + limit.Window - now, TimeSpan.FromSeconds(1)));
                }
            }

            if (wait > TimeSpan.Zero)
            {
                return ValueTask.FromResult<TimeSpan?>(wait);
            }

            foreach (var limit in limits)
            {
                if (!_entries.TryGetValue(limit.Key, out var entry))
                {
                    _entries[limit.Key] = entry = new Entry();
                }

                entry.Window = limit.Window;
                entry.Places.Add((attempt, now));
            }

            return ValueTask.FromResult<TimeSpan?>(null);
        }
    }

    public ValueTask EndAsync(string attempt, IReadOnlyList<AttemptLimit> limits, AttemptOutcome outcome, DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var limit in limits)
            {
                if (!_entries.TryGetValue(limit.Key, out var entry))
                {
                    continue;
                }

                if (outcome == AttemptOutcome.Succeeded && limit.ForgetOnSuccess)
                {
                    _entries.Remove(limit.Key);
                }
                else if (outcome != AttemptOutcome.Failed)
                {
                    entry.Places.RemoveAll(p => p.Attempt == attempt);
                }
                else if (limit.LocksOut && entry.Places.Exists(p => p.Attempt == attempt))
                {
                    Expire(entry, limit.Window, now);
                    if (entry.Places.Count >= limit.Limit)
                    {
                        entry.Strikes = now - entry.LastStrike < MaxLockout ? entry.Strikes + 1 : 1;
                        entry.LastStrike = now;
                        entry.BlockedUntil = now + Lockout(limit.Window, entry.Strikes);
                        entry.Places.Clear();
                    }
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The lock-out after <paramref name="strikes"/> within a day: the window, doubling, at most a day.</summary>
    public static TimeSpan Lockout(TimeSpan window, int strikes)
    {
        var lockout = window * Math.Pow(2, Math.Min(strikes - 1, 16));
        return lockout < MaxLockout ? lockout : MaxLockout;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static void Expire(Entry entry, TimeSpan window, DateTimeOffset now)
        => entry.Places.RemoveAll(p => now - p.At >= window);

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            Expire(entry, entry.Window, now);
            if (entry.Places.Count == 0 && entry.BlockedUntil <= now && now - entry.LastStrike >= MaxLockout)
            {
                _entries.Remove(key);
            }
        }

        // Still full (a flood of distinct keys): forget lock-out histories of keys that hold nothing now.
        if (_entries.Count >= MaxTracked)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Places.Count == 0 && entry.BlockedUntil <= now)
                {
                    _entries.Remove(key);
                }
            }
        }
    }
}
