using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Palisade.Core.Keys;

namespace Palisade.Core.Quotas;

/// <summary>
/// Single-node public quota counters in memory. Not persisted: a restart gives anonymous callers a fresh day, which is
/// acceptable for a 100-a-day courtesy limit (a Redis implementation shares and keeps them across nodes). At most
/// <see cref="MaxClients"/> clients are tracked per day; beyond that, new clients are refused until midnight rather than
/// letting address-spraying callers grow memory without bound.
/// </summary>
public sealed class PublicQuotaCounter : IPublicQuotaCounter
{
    public const int MaxClients = 1_000_000;

    private ConcurrentDictionary<string, StrongBox<long>> _today = new(StringComparer.Ordinal);
    private int _day = -1;
    private readonly Lock _rollover = new();

    public ValueTask<QuotaDecision> TryConsumeAsync(IPAddress client, long limit, DateTimeOffset now)
        => ValueTask.FromResult(Charge(client, limit, now, 1));

    public ValueTask<QuotaDecision> PeekAsync(IPAddress client, long limit, DateTimeOffset now)
        => ValueTask.FromResult(Charge(client, limit, now, 0));

    /// <summary>The counter key of a client: the IPv4 address, or the /64 of an IPv6 address.</summary>
    public static string ClientKey(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.IsIPv4MappedToIPv6)
        {
            client = client.MapToIPv4();
        }

        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client.ToString();
        }

        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private QuotaDecision Charge(IPAddress client, long limit, DateTimeOffset now, long units)
    {
        var reset = QuotaDay.NextReset(now);
        var counters = CountersFor(QuotaDay.Of(now));
        var key = ClientKey(client);
        if (!counters.TryGetValue(key, out var cell))
        {
            if (units == 0)
            {
                return new QuotaDecision(QuotaFamily.Check, 0, 0, 0, limit, reset);
            }

            if (counters.Count >= MaxClients)
            {
                return new QuotaDecision(QuotaFamily.Check, units, 0, limit, limit, reset);
            }

            cell = counters.GetOrAdd(key, static _ => new StrongBox<long>());
        }

        while (true)
        {
            var used = Volatile.Read(ref cell.Value);
            if (units == 0 || used + units > limit)
            {
                return new QuotaDecision(QuotaFamily.Check, units, 0, used, limit, reset);
            }

            if (Interlocked.CompareExchange(ref cell.Value, used + units, used) == used)
            {
                return new QuotaDecision(QuotaFamily.Check, units, units, used + units, limit, reset);
            }
        }
    }

    private ConcurrentDictionary<string, StrongBox<long>> CountersFor(int day)
    {
        if (Volatile.Read(ref _day) == day)
        {
            return Volatile.Read(ref _today);
        }

        lock (_rollover)
        {
            if (_day != day)
            {
                // A new day: yesterday's counters are dropped whole (a late request of the old day starts the new one).
                Volatile.Write(ref _today, new ConcurrentDictionary<string, StrongBox<long>>(StringComparer.Ordinal));
                Volatile.Write(ref _day, day);
            }

            return _today;
        }
    }
}
