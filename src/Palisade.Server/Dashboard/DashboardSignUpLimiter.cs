using Palisade.Core.Time;

namespace Palisade.Server.Dashboard;

/// <summary>
/// Sign-ups per client network (IPv4 /24, IPv6 /48) in a sliding hour, taken before any password hashing or database
/// work, so one network cannot mass-produce accounts. Kept in memory: each node of a cluster counts on its own.
/// </summary>
public sealed class DashboardSignUpLimiter(DashboardOptions options, IClock clock)
{
    private const int MaxTracked = 100_000;
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Dictionary<string, Queue<DateTimeOffset>> _recent = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Counts one sign-up for <paramref name="network"/>: null when allowed, else how long until the next one is.</summary>
    public TimeSpan? TryTake(string network)
    {
        var now = clock.UtcNow;
        lock (_lock)
        {
            if (_recent.Count >= MaxTracked)
            {
                foreach (var (key, queue) in _recent)
                {
                    Expire(queue, now);
                    if (queue.Count == 0)
                    {
                        _recent.Remove(key);
                    }
                }
            }

            if (!_recent.TryGetValue(network, out var times))
            {
                _recent[network] = times = new Queue<DateTimeOffset>();
            }

            Expire(times, now);
            if (times.Count >= options.SignUpsPerNetworkPerHour)
            {
                return times.Peek() + Window - now;
            }

            times.Enqueue(now);
            return null;
        }
    }

    private static void Expire(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && now - times.Peek() >= Window)
        {
            times.Dequeue();
        }
    }
}
