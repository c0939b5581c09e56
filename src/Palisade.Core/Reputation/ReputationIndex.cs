using System.Collections.Concurrent;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Reputation;

/// <summary>
/// The in-memory view of every retained report, by address, with each address's score cached. Reads (checks) are
/// answered from here without touching the store; writes go to the store first and are applied here after commit.
/// </summary>
public sealed class ReputationIndex(ScoreCalculator calculator, WhitelistProvider whitelist, ReputationOptions options, IClock clock)
{
    private readonly ConcurrentDictionary<string, AddressReputation> _addresses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UsernameCell> _usernames = new(StringComparer.Ordinal);

    private sealed class UsernameCell
    {
        public readonly Lock Gate = new();
        public long Sessions;
        public readonly Dictionary<string, long> Protocols = new(StringComparer.Ordinal);
        public DateTimeOffset First = DateTimeOffset.MaxValue;
        public DateTimeOffset Last = DateTimeOffset.MinValue;
    }

    private long _version;

    public int Count => _addresses.Count;

    /// <summary>Increases whenever any address's evidence changes (reports applied, purges): caches of derived views
    /// (rendered blocklists, TAXII pages) key on it.</summary>
    public long Version => Volatile.Read(ref _version) + whitelist.Version;

    /// <summary>Raised after reports of an address were applied (on the writer's thread: keep handlers cheap).</summary>
    public event Action<AddressReputation>? Changed;

    public IEnumerable<AddressReputation> Addresses => _addresses.Values;

    public void Apply(StoredReport report)
    {
        var entry = _addresses.GetOrAdd(report.Address, static a => new AddressReputation(a));
        lock (entry.Gate)
        {
            entry.Add(report);
        }

        Interlocked.Increment(ref _version);
        Changed?.Invoke(entry);

        if (report.Username is { Length: > 0 } username)
        {
            var cell = _usernames.GetOrAdd(username, static _ => new UsernameCell());
            lock (cell.Gate)
            {
                cell.Sessions++;
                var protocol = report.Protocol ?? "unknown";
                cell.Protocols[protocol] = cell.Protocols.GetValueOrDefault(protocol) + 1;
                if (report.ReportedAt < cell.First)
                {
                    cell.First = report.ReportedAt;
                }

                if (report.ReportedAt > cell.Last)
                {
                    cell.Last = report.ReportedAt;
                }
            }
        }
    }

    /// <summary>Applies a report another node stored, unless it is already here (notifications and syncs may overlap).</summary>
    public bool ApplyRemote(StoredReport report)
    {
        if (_addresses.TryGetValue(report.Address, out var entry))
        {
            lock (entry.Gate)
            {
                foreach (var fact in entry.Facts)
                {
                    if (fact.ReportId == report.Id)
                    {
                        return false;
                    }
                }
            }
        }

        Apply(report);
        return true;
    }

    public AddressReputation? Find(string address) => _addresses.GetValueOrDefault(address);

    /// <summary>The stored report this one would duplicate: same key, address and a shared category within the window.</summary>
    public StoredReport? FindDuplicate(long keyId, string address, IReadOnlyList<int> categories, DateTimeOffset receivedAt)
    {
        if (!_addresses.TryGetValue(address, out var entry))
        {
            return null;
        }

        lock (entry.Gate)
        {
            for (var i = entry.Recent.Count - 1; i >= 0; i--)
            {
                var previous = entry.Recent[i];
                if (previous.KeyId == keyId && receivedAt - previous.ReceivedAt < ReportLimits.DuplicateWindow &&
                    previous.Categories.Any(categories.Contains))
                {
                    return previous;
                }
            }
        }

        return null;
    }

    /// <summary>The current score of an address (0 when unknown), from cache when still valid.</summary>
    public ScoreBreakdown Score(string address)
        => _addresses.TryGetValue(address, out var entry) ? Score(entry) : ScoreBreakdown.Zero;

    public ScoreBreakdown Score(AddressReputation entry)
    {
        var now = clock.UtcNow;
        var version = whitelist.Version;
        lock (entry.Gate)
        {
            var cached = entry.CachedScore;
            if (cached is not null && entry.CachedWhitelistVersion == version &&
                (calculator.Options.HalfLifeDays <= 0 || now - entry.CachedAt < options.ScoreRefreshInterval))
            {
                return cached;
            }

            var evidence = new Evidence[entry.Facts.Count];
            for (var i = 0; i < evidence.Length; i++)
            {
                evidence[i] = entry.Facts[i].ToEvidence();
            }

            var match = MatchWhitelist(entry.Address, now);
            var score = calculator.Calculate(evidence, now, match);
            entry.CachedScore = score;
            entry.CachedAt = now;
            entry.CachedWhitelistVersion = version;
            return score;
        }
    }

    public CheckResult Check(NormalizedAddress address, CheckQuery query)
    {
        var now = clock.UtcNow;
        var listed = address.IsPublic ? whitelist.Current.Match(address.Address, now) : null;
        if (!address.IsPublic || !_addresses.TryGetValue(address.Text, out var entry))
        {
            return Empty(address, listed);
        }

        ReportFact[] facts;
        StoredReport[] recent;
        DateTimeOffset firstSeen, lastSeen;
        lock (entry.Gate)
        {
            facts = [.. entry.Facts];
            recent = [.. entry.Recent];
            firstSeen = entry.FirstSeen;
            lastSeen = entry.LastSeen;
        }

        if (query.IsFiltered)
        {
            facts = Array.FindAll(facts, f =>
                (query.MaxAge is not { } maxAge || now - f.At <= maxAge) &&
                (query.Protocols is not { Count: > 0 } protocols || (f.Protocol is not null && protocols.Contains(f.Protocol))));
            recent = Array.FindAll(recent, r =>
                (query.MaxAge is not { } maxAge || now - r.ReportedAt <= maxAge) &&
                (query.Protocols is not { Count: > 0 } protocols || (r.Protocol is not null && protocols.Contains(r.Protocol))));
            if (facts.Length == 0)
            {
                return Empty(address, listed);
            }

            firstSeen = facts.Min(f => f.At);
            lastSeen = facts.Max(f => f.At);
        }

        var breakdown = query.IsFiltered
            ? calculator.Calculate(Array.ConvertAll(facts, f => f.ToEvidence()), now, listed)
            : Score(entry);
        var score = query.IgnoreWhitelist ? breakdown.RawScore : breakdown.Score;
        return Describe(address, facts, recent, firstSeen, lastSeen, score, breakdown, listed);
    }

    public UsernameActivity? FindUsername(string username)
    {
        if (!_usernames.TryGetValue(username, out var cell))
        {
            return null;
        }

        lock (cell.Gate)
        {
            return cell.Sessions == 0
                ? null
                : new UsernameActivity(username, cell.Sessions, new Dictionary<string, long>(cell.Protocols), cell.First, cell.Last);
        }
    }

    /// <summary>Drops facts older than the report retention and addresses inactive past the reputation retention.
    /// Idempotent: running it twice with the same clock changes nothing the second time.</summary>
    public (int Facts, int Addresses) Purge(DateTimeOffset reportsBefore, DateTimeOffset addressesInactiveBefore)
    {
        int droppedFacts = 0, droppedAddresses = 0;
        foreach (var (key, entry) in _addresses)
        {
            lock (entry.Gate)
            {
                if (entry.LastSeen < addressesInactiveBefore)
                {
                    droppedFacts += entry.Facts.Count;
                    entry.Facts.Clear();
                    entry.Recent.Clear();
                    _addresses.TryRemove(key, out _);
                    droppedAddresses++;
                    continue;
                }

                var removed = entry.Facts.RemoveAll(f => f.At < reportsBefore);
                if (removed > 0)
                {
                    droppedFacts += removed;
                    entry.Recent.RemoveAll(r => r.ReportedAt < reportsBefore);
                    entry.TotalReports = entry.Facts.Select(f => f.ReportId).Distinct().LongCount();
                    entry.CachedScore = null;
                }
            }
        }

        RebuildUsernames();
        if (droppedFacts > 0 || droppedAddresses > 0)
        {
            Interlocked.Increment(ref _version);
        }

        return (droppedFacts, droppedAddresses);
    }

    public ReputationOptions Options => options;

    private void RebuildUsernames()
    {
        _usernames.Clear();
        foreach (var entry in _addresses.Values)
        {
            lock (entry.Gate)
            {
                foreach (var group in entry.Facts.Where(f => f.Username is not null).GroupBy(f => f.ReportId))
                {
                    var fact = group.First();
                    var cell = _usernames.GetOrAdd(fact.Username!, static _ => new UsernameCell());
                    lock (cell.Gate)
                    {
                        cell.Sessions++;
                        var protocol = fact.Protocol ?? "unknown";
                        cell.Protocols[protocol] = cell.Protocols.GetValueOrDefault(protocol) + 1;
                        cell.First = fact.At < cell.First ? fact.At : cell.First;
                        cell.Last = fact.At > cell.Last ? fact.At : cell.Last;
                    }
                }
            }
        }
    }

    private WhitelistEntry? MatchWhitelist(string address, DateTimeOffset now)
        => IpAddressParser.TryParse(address, out var parsed, out _) ? whitelist.Current.Match(parsed.Address, now) : null;

    private static CheckResult Empty(NormalizedAddress address, WhitelistEntry? listed)
        => new(address, false, 0, ScoreBreakdown.Zero, null, null, 0, 0, [], [], [], [], [], [], listed);

    private static CheckResult Describe(NormalizedAddress address, ReportFact[] facts, StoredReport[] recent, DateTimeOffset firstSeen,
        DateTimeOffset lastSeen, int score, ScoreBreakdown breakdown, WhitelistEntry? listed)
    {
        var sessions = facts.Select(f => f.ReportId).Distinct().LongCount();
        var protocols = facts
            .Where(f => f.Protocol is not null)
            .GroupBy(f => f.Protocol!, StringComparer.Ordinal)
            .Select(g => new ProtocolActivity(g.Key, g.Select(f => f.ReportId).Distinct().LongCount(), g.LongCount()))
            .OrderByDescending(p => p.Events).ThenBy(p => p.Protocol, StringComparer.Ordinal)
            .ToList();
        var behaviours = facts
            .GroupBy(f => (f.Protocol, f.CategoryId))
            .Select(g =>
            {
                var category = CategoryCatalog.Get(g.Key.CategoryId);
                var name = g.Key.Protocol is null ? category.Name : $"{g.Key.Protocol}:{category.Name}";
                return new BehaviourActivity(name, category.Severity, g.LongCount(), category.Description);
            })
            .OrderByDescending(b => b.Severity).ThenByDescending(b => b.Count).ThenBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        var primitives = facts
            .GroupBy(f => f.ReportId).Select(g => g.First())
            .SelectMany(f => PrimitivesOf(f))
            .GroupBy(p => p.Name, StringComparer.Ordinal)
            .Select(g => new PrimitiveActivity(g.Key, g.LongCount(), g.First().Description))
            .OrderByDescending(p => p.Count).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(50)
            .ToList();
        var categories = facts
            .GroupBy(f => f.CategoryId)
            .Select(g => new CategoryActivity(g.Key, CategoryCatalog.Get(g.Key).Name, g.LongCount()))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Id)
            .ToList();
        var timeline = facts
            .GroupBy(f => f.ReportId).Select(g => g.First())
            .GroupBy(f => DateOnly.FromDateTime(f.At.UtcDateTime))
            .Select(g => new DailyCount(g.Key, g.LongCount()))
            .OrderBy(d => d.Date)
            .ToList();
        var reports = recent.Where(r => r.Kind == ReporterKind.Community).Reverse().ToList();
        return new CheckResult(address, true, score, breakdown, firstSeen, lastSeen, sessions, facts.LongLength, protocols, behaviours,
            primitives, categories, reports, timeline, listed);
    }

    private static IEnumerable<PrimitiveActivity> PrimitivesOf(ReportFact fact)
    {
        if (fact.Port is { } port)
        {
            yield return new PrimitiveActivity($"port:{port}", 1, $"Connections to port {port}");
        }

        if (fact.Username is { } username)
        {
            yield return new PrimitiveActivity($"username:{username}", 1, $"Login attempts as '{username}'");
        }
    }
}
