using System.Collections.Concurrent;
using Palisade.Core.Time;

namespace Palisade.Server.Dashboard;

/// <summary>Counts failed sign-ins per client address in a sliding window, so passwords cannot be guessed at speed.</summary>
public sealed class DashboardSignInLimiter(DashboardOptions options, IClock clock)
{
    // Bounded: beyond this many tracked addresses the stale ones are dropped first.
    private const int MaxTrackedAddresses = 100_000;
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    public bool IsBlocked(string client)
    {
        if (!_failures.TryGetValue(client, out var failures))
        {
            return false;
        }

        lock (failures)
        {
            Expire(failures, clock.UtcNow);
            return failures.Count >= options.SignInAttempts;
        }
    }

    public void RecordFailure(string client)
    {
        if (_failures.Count >= MaxTrackedAddresses)
        {
            Sweep();
        }

        var failures = _failures.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        lock (failures)
        {
            Expire(failures, clock.UtcNow);
            failures.Enqueue(clock.UtcNow);
        }
    }

    private void Sweep()
    {
        var now = clock.UtcNow;
        foreach (var (client, failures) in _failures)
        {
            lock (failures)
            {
                Expire(failures, now);
                if (failures.Count == 0)
                {
                    _failures.TryRemove(client, out _);
                }
            }
        }
    }

    private void Expire(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && now - failures.Peek() >= options.SignInWindow)
        {
            failures.Dequeue();
        }
    }
}
