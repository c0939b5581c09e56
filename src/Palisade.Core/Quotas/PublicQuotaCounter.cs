using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Palisade.Core.Keys;

namespace Palisade.Core.Quotas;

/// <summary>
/// Single-node public quota counters in memory. Not persisted: a restart gives anonymous callers a fresh day, which is
/// acceptable for a 100-a-day courtesy limit (a Redis implementation shares and keeps them across nodes). An IPv6
/// client is charged on its /64 and on its /48 (<see cref="Per48Multiple"/> times the limit), so one site cannot spray
/// 65,536 prefixes. At most <see cref="MaxClients"/> counters are kept; when the table is full the least-used ones are
/// dropped (a dropped client lost at most a few requests of counting) so that a sprayed table never refuses everyone.
/// </summary>
public sealed class PublicQuotaCounter : IPublicQuotaCounter
{
    public const int DefaultMaxClients = 1_000_000;

    /// <summary>A /48 may use this many times the per-client limit a day, across all of its /64s.</summary>
    public const int Per48Multiple = 10;

    private readonly int _maxClients;
    private ConcurrentDictionary<string, StrongBox<long>> _today = new(StringComparer.Ordinal);
    private int _day = -1;
    private readonly Lock _rollover = new();
    private readonly Lock _eviction = new();

    public PublicQuotaCounter() : this(DefaultMaxClients)
    {
    }

    public PublicQuotaCounter(int maxClients)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClients, 10);
        _maxClients = maxClients;
    }

    public int MaxClients => _maxClients;

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

    /// <summary>The /48 counter key of an IPv6 client, or null for IPv4.</summary>
    public static string? SiteKey(IPAddress client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.AddressFamily != AddressFamily.InterNetworkV6 || client.IsIPv4MappedToIPv6)
        {
            return null;
        }

        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 6, 10);
        return new IPAddress(bytes) + "/48";
    }

    private QuotaDecision Charge(IPAddress client, long limit, DateTimeOffset now, long units)
    {
        var reset = QuotaDay.NextReset(now);
        var counters = CountersFor(QuotaDay.Of(now));
        var site = SiteKey(client) is { } siteKey ? Cell(counters, siteKey, units) : null;
        var siteLimit = limit * Per48Multiple;
        var cell = Cell(counters, ClientKey(client), units);
        if (units == 0 || cell is null)
        {
            // A peek. A /48 that is used up shows its /64s as used up too.
            var seen = site is not null && Volatile.Read(ref site.Value) >= siteLimit ? limit : cell is null ? 0 : Volatile.Read(ref cell.Value);
            return new QuotaDecision(QuotaFamily.Check, units, 0, seen, limit, reset);
        }

        if (site is not null && !TryAdd(site, units, siteLimit, out _))
        {
            return new QuotaDecision(QuotaFamily.Check, units, 0, Math.Max(Volatile.Read(ref cell.Value), limit), limit, reset);
        }

        if (!TryAdd(cell, units, limit, out var used))
        {
            if (site is not null)
            {
                Interlocked.Add(ref site.Value, -units);
            }

            return new QuotaDecision(QuotaFamily.Check, units, 0, used, limit, reset);
        }

        return new QuotaDecision(QuotaFamily.Check, units, units, used, limit, reset);
    }

    private static bool TryAdd(StrongBox<long> cell, long units, long limit, out long used)
    {
        while (true)
        {
            used = Volatile.Read(ref cell.Value);
            if (used + units > limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref cell.Value, used + units, used) == used)
            {
                used += units;
                return true;
            }
        }
    }

    /// <summary>The counter of <paramref name="key"/>; null on a peek of an unknown client. A full table makes room.</summary>
    private StrongBox<long>? Cell(ConcurrentDictionary<string, StrongBox<long>> counters, string key, long units)
    {
        if (counters.TryGetValue(key, out var cell))
        {
            return cell;
        }

        if (units == 0)
        {
            return null;
        }

        if (counters.Count >= _maxClients)
        {
            Evict(counters);
        }

        return counters.GetOrAdd(key, static _ => new StrongBox<long>());
    }

    /// <summary>
    /// Drops the least-used tenth of the table (everything at the lowest counts first): an address sprayer's entries
    /// have used 1 each and go, clients that used up their quota stay refused. One pass per threshold over the table,
    /// run once per <c>MaxClients / 10</c> new clients.
    /// </summary>
    private void Evict(ConcurrentDictionary<string, StrongBox<long>> counters)
    {
        lock (_eviction)
        {
            if (counters.Count < _maxClients)
            {
                return;
            }

            var target = Math.Max(1, _maxClients / 10);
            var removed = 0;
            for (long threshold = 1; removed < target && !counters.IsEmpty; threshold = threshold < long.MaxValue / 2 ? threshold * 2 : long.MaxValue)
            {
                foreach (var (key, value) in counters)
                {
                    if (Volatile.Read(ref value.Value) <= threshold && counters.TryRemove(key, out _) && ++removed >= target)
                    {
                        break;
                    }
                }

                if (threshold == long.MaxValue)
                {
                    break;
                }
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
