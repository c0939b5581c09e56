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
public sealed class ReputationIndex(ScoreCalculator calculator, WhitelistProvider whitelist, ReputationOptions options, IClock clock,
    ReporterBook? reporters = null)
{
    private readonly ReporterBook _reporters = reporters ?? new ReporterBook();

    // Replaced once at most, at start-up, by the addresses read back from a snapshot (Adopt).
    private AddressTable _addresses = new();
    private readonly ConcurrentDictionary<string, UsernameCell> _usernames = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmailCell> _emails = new(StringComparer.Ordinal);

    // IPv6 addresses by /64 (the roll-up): members are pruned lazily, when an address is gone from _addresses.
    private readonly PrefixMembers _prefixes = new();

    /// <summary>Addresses of one /64 read for its roll-up at most (a /64 spraying millions stays answerable).</summary>
    public const int PrefixMembersRead = 1000;

    /// <summary>How long a /64 roll-up is reused while nothing in the index changed: a busy /64 (thousands of reports)
    /// then costs one computation per change instead of one per check; decay over this span is negligible.</summary>
    public static readonly TimeSpan PrefixRollupReuse = TimeSpan.FromSeconds(30);

    // A roll-up stays valid while its own /64 gets no report, no purge runs and no trust input changes (reports
    // elsewhere do not count: under a steady report stream a global version would recompute it on every check).
    private sealed record PrefixRollup((long Changes, long Purges, long Inputs) Version, DateTimeOffset At, WhitelistEntry? Whitelist,
        PrefixReputation? Value);

    private readonly ConcurrentDictionary<ulong, long> _prefixChanges = new();
    private long _purges;
    private long _prefixRollupsComputed;

    private readonly ConcurrentDictionary<ulong, PrefixRollup> _prefixRollups = new();

    private sealed class UsernameCell
    {
        public readonly Lock Gate = new();
        public long Sessions;
        public readonly Dictionary<string, long> Protocols = new(StringComparer.Ordinal);
        public DateTimeOffset First = DateTimeOffset.MaxValue;
        public DateTimeOffset Last = DateTimeOffset.MinValue;
    }

    private sealed class EmailCell
    {
        public readonly Lock Gate = new();
        public long Messages;
        public DateTimeOffset First = DateTimeOffset.MaxValue;
        public DateTimeOffset Last = DateTimeOffset.MinValue;
    }

    // A check lists at most this many primitives (ports, usernames), the most frequent first.
    private const int MaxPrimitives = 50;

    private long _version;

    // The answers faces serialized for default checks, found by address alone (FindServed); every change below that can
    // alter an address's answer marks its slot there after the change.
    private readonly ServedAnswers _served = new();

    public int Count => _addresses.Count;

    /// <summary>Increases whenever any address's evidence changes (reports applied, purges): caches of derived views
    /// (rendered blocklists, TAXII pages) key on it.</summary>
    public long Version => Volatile.Read(ref _version) + InputsVersion;

    private int _blocklistSlotsClaimed;

    /// <summary>True for the first caller only: the blocklist engine that may keep its slots on the entries
    /// (<see cref="AddressReputation.BlocklistSlot"/>); any other keeps a map of its own.</summary>
    internal bool ClaimBlocklistSlots() => Interlocked.Exchange(ref _blocklistSlotsClaimed, 1) == 0;

    /// <summary>Who stands behind each key: reporter, network group, trust.</summary>
    public ReporterBook Reporters => _reporters;

    // Both only increase, so their sum changes whenever either does: cached scores are valid while it stays the same.
    private long InputsVersion => whitelist.Version + _reporters.Version;

    /// <summary>A fact as the score sees it: resolved to its reporter, with the reporter's current trust and network group.</summary>
    private Evidence ToEvidence(in ReportFact fact)
    {
        var r = _reporters.Resolve(fact.KeyId, fact.Trust);
        return new Evidence(r.ReporterId, fact.Kind, r.Trust, fact.CategoryId, fact.Protocol, fact.At, fact.Source) { Network = r.Network, Provisional = r.Provisional };
    }

    /// <summary>Raised after reports of an address were applied (on the writer's thread: keep handlers cheap).</summary>
    public event Action<AddressReputation>? Changed;

    /// <summary>Raised by <see cref="Purge"/> for each address it dropped or thinned (after the purge, outside its locks),
    /// so a feed can revoke or re-version it now rather than at its next full rescan. Not counted as a change by
    /// <see cref="Version"/> readers: a purge is one version step however many addresses it touches.</summary>
    public event Action<AddressReputation>? Purged;

    /// <summary>Called for an entry about to leave the index (purged, its reports withdrawn, replaced by a reload, or every
    /// entry at a reset), before any reader can miss it: whatever is kept on the entry for others (the TAXII heads) moves
    /// off it here. Under the index's writer paths, often the entry's lock: keep it short and take no entry lock.</summary>
    internal Action<AddressReputation>? Removing;

    public IEnumerable<AddressReputation> Addresses => _addresses.Values;

    // The key of the address table's hash, kept by the index snapshot (AddressTable.Seed).
    internal ulong AddressSeed => _addresses.Seed;

    /// <summary>The duplicate-window receipts of the addresses (each entry's chain in it).</summary>
    internal ReceiptSlab Receipts => _addresses.Receipts;

    // The applied report with the highest id: a snapshot records it, so a restart knows where to replay from and can tell
    // whether the snapshot belongs to the store it starts on (that report must be there, at that address).
    private StoredReport? _lastApplied;

    /// <summary>The applied report with the highest id (null before any).</summary>
    public StoredReport? LastApplied => Volatile.Read(ref _lastApplied);

    public void Apply(StoredReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        for (var last = Volatile.Read(ref _lastApplied); last is null || report.Id > last.Id;)
        {
            var seen = Interlocked.CompareExchange(ref _lastApplied, report, last);
            if (ReferenceEquals(seen, last))
            {
                break;
            }

            last = seen;
        }

        var key = AddressKey.Parse(report.Address);
        var addresses = _addresses;
        var entry = addresses.GetOrAdd(key);
        if (PrefixMembers.PrefixOf(key) is { } prefix)
        {
            if (entry.Facts.Count == 0)
            {
                _prefixes.Add(key);
            }

            _prefixChanges.AddOrUpdate(prefix, 1, static (_, v) => v + 1);
        }

        lock (entry.Gate)
        {
            entry.Add(report, InternProtocol(report.Protocol), clock.UtcNow - ReportLimits.DuplicateWindow, addresses.Receipts);
        }

        _served.Changed(key);
        Interlocked.Increment(ref _version);
        Changed?.Invoke(entry);

        if (report.Username is { Length: > 0 } username)
        {
            CountUsername(username, report.Protocol, report.ReportedAt);
        }

        if (report.Email is { Length: > 0 } email)
        {
            CountEmail(email, report.ReportedAt);
        }
    }

    // Protocol names repeat across millions of facts ("ssh", "http"): one instance each (bounded: names are free text).
    private readonly ConcurrentDictionary<string, string> _protocolNames = new(StringComparer.Ordinal);

    private string? InternProtocol(string? protocol)
        => protocol is null ? null
            : _protocolNames.TryGetValue(protocol, out var known) ? known
            : _protocolNames.Count < 10_000 ? _protocolNames.GetOrAdd(protocol, protocol)
            : protocol;

    private void CountUsername(string username, string? protocol, DateTimeOffset at)
    {
        var cell = _usernames.GetOrAdd(username, static _ => new UsernameCell());
        lock (cell.Gate)
        {
            cell.Sessions++;
            protocol ??= "unknown";
            cell.Protocols[protocol] = cell.Protocols.GetValueOrDefault(protocol) + 1;
            cell.First = at < cell.First ? at : cell.First;
            cell.Last = at > cell.Last ? at : cell.Last;
        }
    }

    private void CountEmail(string email, DateTimeOffset at)
    {
        var cell = _emails.GetOrAdd(email, static _ => new EmailCell());
        lock (cell.Gate)
        {
            cell.Messages++;
            cell.First = at < cell.First ? at : cell.First;
            cell.Last = at > cell.Last ? at : cell.Last;
        }
    }

    /// <summary>
    /// Takes over the addresses of a snapshot read back at start-up, before any report is applied: the /64 members, the
    /// username and e-mail views are rebuilt from their facts (in one pass here, unless <paramref name="counted"/>: each
    /// address went through <see cref="CountAdopted"/> while it was read) and the protocol names interned.
    /// </summary>
    internal void Adopt(AddressTable addresses, IEnumerable<string> protocols, StoredReport? lastApplied, bool counted = false)
    {
        if (!_addresses.IsEmpty)
        {
            throw new InvalidOperationException("A snapshot is adopted by an empty index only.");
        }

        foreach (var protocol in protocols)
        {
            InternProtocol(protocol);
        }

        if (!counted)
        {
            foreach (var entry in addresses.Values)
            {
                CountAdopted(entry);
            }
        }

        _addresses = addresses;
        _lastApplied = lastApplied;
        _served.ChangedAll();
        Interlocked.Increment(ref _version);
    }

    /// <summary>The views an address read back from a snapshot feeds: its /64's members, its usernames and e-mail
    /// addresses. Before <see cref="Adopt"/> only (an adoption that fails is undone by <see cref="Reset"/>).</summary>
    internal void CountAdopted(AddressReputation entry)
    {
        _prefixes.Add(entry.Key);

        // All facts of one report are adjacent and share everything but the category: count a report once.
        var previousReport = long.MinValue;
        foreach (var fact in entry.Facts)
        {
            if (fact.ReportId == previousReport)
            {
                continue;
            }

            previousReport = fact.ReportId;
            if (fact.Username is { Length: > 0 } username)
            {
                CountUsername(username, fact.Protocol, fact.At);
            }

            if (fact.Email is { Length: > 0 } email)
            {
                CountEmail(email, fact.At);
            }
        }
    }

    /// <summary>Forgets every address (a snapshot adopted at start-up turned out not to match the store, which is loaded instead).</summary>
    internal void Reset()
    {
        if (Removing is { } removing)
        {
            foreach (var entry in _addresses.Values)
            {
                removing(entry);
            }
        }

        _addresses = new AddressTable();
        _usernames.Clear();
        _emails.Clear();
        _prefixes.Clear();
        _prefixChanges.Clear();
        _prefixRollups.Clear();
        _lastApplied = null;
        _served.ChangedAll();
        Interlocked.Increment(ref _version);
    }

    /// <summary>Applies a report another node stored, unless it is already here (notifications and syncs may overlap).</summary>
    public bool ApplyRemote(StoredReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Holds(report.Address, report.Id))
        {
            return false;
        }

        Apply(report);
        return true;
    }

    /// <summary>Whether the report with this id, about this address, is applied here (a catch-up reads only these two
    /// columns of what others stored, and whole only the reports missing here).</summary>
    public bool Holds(string address, long reportId)
    {
        if (!_addresses.TryGetValue(address, out var entry))
        {
            return false;
        }

        lock (entry.Gate)
        {
            foreach (var fact in entry.Facts)
            {
                if (fact.ReportId == reportId)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Replaces everything known about one address with these reports (after reports were withdrawn). Withdrawn
    /// reports count against their reporters unless <paramref name="noteWithdrawals"/> is false (a restart catching up
    /// with withdrawals the previous process counted already).</summary>
    public void Reload(string address, IReadOnlyList<StoredReport> reports, bool noteWithdrawals = true)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (noteWithdrawals)
        {
            NoteWithdrawals(address, reports);
        }

        var identitiesWithdrawn = WithdrawsIdentities(address, reports);
        var addresses = _addresses;
        addresses.TryGetValue(address, out var replaced);
        if (replaced is not null)
        {
            Removing?.Invoke(replaced);
        }

        if (reports.Count == 0)
        {
            addresses.TryRemove(address);
        }
        else
        {
            var fresh = new AddressReputation(address);
            var recentFrom = clock.UtcNow - ReportLimits.DuplicateWindow;
            foreach (var report in reports)
            {
                fresh.Add(report, InternProtocol(report.Protocol), recentFrom, addresses.Receipts);
            }

            addresses.Set(fresh);
            _prefixes.Add(fresh.Key);
        }

        if (replaced is not null)
        {
            // The replaced entry's receipts go back to the slab (a reader still holding it finds none).
            lock (replaced.Gate)
            {
                addresses.Receipts.Clear(ref replaced.Receipts);
            }
        }

        if (identitiesWithdrawn)
        {
            // A withdrawn report's username and e-mail address stop being answered with it (the e-mail is personal data).
            RebuildIdentities();
        }

        if (AddressKey.TryParse(address, out var reloaded))
        {
            _served.Changed(reloaded);
            if (PrefixMembers.PrefixOf(reloaded) is { } changed)
            {
                _prefixChanges.AddOrUpdate(changed, 1, static (_, v) => v + 1);
            }
        }

        Interlocked.Increment(ref _version);
    }

    /// <summary>Whether reports of the address that carry a username or e-mail address are missing from <paramref name="remaining"/>
    /// (only then the username and e-mail views need a rebuild, which reads every fact).</summary>
    private bool WithdrawsIdentities(string address, IReadOnlyList<StoredReport> remaining)
    {
        if (!_addresses.TryGetValue(address, out var old))
        {
            return false;
        }

        var kept = new HashSet<long>(remaining.Select(r => r.Id));
        lock (old.Gate)
        {
            return old.Facts.Exists(f => (f.Username is not null || f.Email is not null) && !kept.Contains(f.ReportId));
        }
    }

    /// <summary>Reports of the address that are gone from <paramref name="remaining"/> were withdrawn by their reporters:
    /// that counts against the reporters' reliability (docs/scoring.md "Reporter trust").</summary>
    private void NoteWithdrawals(string address, IReadOnlyList<StoredReport> remaining)
    {
        if (!_addresses.TryGetValue(address, out var old))
        {
            return;
        }

        var kept = new HashSet<long>(remaining.Select(r => r.Id));
        var withdrawn = new Dictionary<long, long>();
        lock (old.Gate)
        {
            foreach (var group in old.Facts.Where(f => !kept.Contains(f.ReportId)).GroupBy(f => f.KeyId))
            {
                withdrawn[group.Key] = group.Select(f => f.ReportId).Distinct().LongCount();
            }
        }

        foreach (var (key, count) in withdrawn)
        {
            _reporters.NoteWithdrawal(key, count);
        }
    }

    public AddressReputation? Find(string address) => _addresses.GetValueOrDefault(address);

    /// <summary>The entry of the address <paramref name="key"/>, or null.</summary>
    public AddressReputation? Find(AddressKey key) => _addresses.TryGetValue(key, out var entry) ? entry : null;

    /// <summary>How many /64 roll-ups were computed rather than reused (how well the reuse works).</summary>
    public long PrefixRollupsComputed => Interlocked.Read(ref _prefixRollupsComputed);

    /// <summary>The roll-up of the /64 an IPv6 address belongs to, or null (IPv4, or no reports in that /64). Its work is
    /// bounded twice: at most <see cref="PrefixMembersRead"/> members are read, and the result is reused for
    /// <see cref="PrefixRollupReuse"/> while nothing in that /64 (or a purge, or reporter trust) changes.</summary>
    public PrefixReputation? Prefix64(string address)
    {
        if (!AddressKey.TryParse(address, out var key) || PrefixMembers.PrefixOf(key) is not { } prefix || !_prefixes.Contains(prefix))
        {
            return null;
        }

        var now = clock.UtcNow;
        var version = (_prefixChanges.GetValueOrDefault(prefix), Interlocked.Read(ref _purges), InputsVersion);
        var whitelisted = System.Net.IPAddress.TryParse(address, out var ip) ? whitelist.Current.Match(ip, now) : null;
        if (_prefixRollups.TryGetValue(prefix, out var cached) && cached.Version == version && cached.Whitelist == whitelisted
            && now >= cached.At && now - cached.At < PrefixRollupReuse)
        {
            return cached.Value;
        }

        var rollup = ComputePrefix64(prefix, now, whitelisted);
        Interlocked.Increment(ref _prefixRollupsComputed);
        if (_prefixRollups.Count > 100_000)
        {
            _prefixRollups.Clear();
        }

        _prefixRollups[prefix] = new PrefixRollup(version, now, whitelisted, rollup);
        return rollup;
    }

    private PrefixReputation? ComputePrefix64(ulong prefix, DateTimeOffset now, WhitelistEntry? whitelisted)
    {
        var evidence = new List<Evidence>();
        int addresses = 0;
        long reports = 0;
        DateTimeOffset first = DateTimeOffset.MaxValue, last = DateTimeOffset.MinValue;
        foreach (var member in _prefixes.Read(prefix, PrefixMembersRead, _addresses.ContainsKey))
        {
            if (!_addresses.TryGetValue(member, out var entry))
            {
                continue;
            }

            lock (entry.Gate)
            {
                if (entry.Facts.Count == 0)
                {
                    continue;
                }

                foreach (var fact in entry.Facts)
                {
                    evidence.Add(ToEvidence(fact));
                }

                reports += entry.TotalReports;
                first = entry.FirstSeen < first ? entry.FirstSeen : first;
                last = entry.LastSeen > last ? entry.LastSeen : last;
            }

            if (++addresses == PrefixMembersRead)
            {
                break;
            }
        }

        if (addresses == 0)
        {
            return null;
        }

        var score = calculator.Calculate([.. evidence], now, whitelisted);
        return new PrefixReputation(PrefixMembers.Text(prefix), addresses, reports, score.Score, score.RawScore, first, last);
    }

    /// <summary>
    /// The one range query every face uses: the addresses with evidence inside <paramref name="network"/>, at most
    /// <paramref name="max"/>. Small blocks probe each candidate, blocks inside one IPv6 /64 read that /64's members,
    /// and wider blocks scan the index once; each address is parsed at most once.
    /// </summary>
    public IReadOnlyList<AddressReputation> InRange(System.Net.IPNetwork network, int max = int.MaxValue)
    {
        var range = AddressRange.Of(network);
        var found = new List<AddressReputation>();
        if (range.LastOffset < (UInt128)Math.Min(_addresses.Count, 4096))
        {
            for (UInt128 offset = 0; offset <= range.LastOffset && found.Count < max; offset++)
            {
                if (_addresses.TryGetValue(IpAddressParser.Normalize(range.At(offset)).Text, out var entry))
                {
                    found.Add(entry);
                }
            }

            return found;
        }

        if (!range.IsIPv6 || range.PrefixLength < 64)
        {
            foreach (var entry in _addresses.Values)
            {
                if (range.Contains(entry.Key))
                {
                    found.Add(entry);
                    if (found.Count >= max)
                    {
                        break;
                    }
                }
            }

            return found;
        }

        foreach (var member in _prefixes.Read((ulong)(range.First >> 64), max, _addresses.ContainsKey, range.Contains))
        {
            if (_addresses.TryGetValue(member, out var entry))
            {
                found.Add(entry);
                if (found.Count >= max)
                {
                    break;
                }
            }
        }

        return found;
    }

    /// <summary>Distinct reporters (not keys: all keys of one reporter count once) that reported <paramref name="address"/> at
    /// or after <paramref name="since"/>, over every retained report (not only the recent ones a check shows).</summary>
    public int DistinctReporters(string address, DateTimeOffset since)
    {
        if (!_addresses.TryGetValue(address, out var entry))
        {
            return 0;
        }

        lock (entry.Gate)
        {
            var keys = new HashSet<long>();
            foreach (var fact in entry.Facts)
            {
                if (fact.At >= since)
                {
                    keys.Add(_reporters.ReporterOf(fact.KeyId));
                }
            }

            return keys.Count;
        }
    }

    /// <summary>The id of the stored report this one would duplicate: same reporter (any of its keys), address and a shared
    /// category within the window. The report itself is in the store (the index keeps 32 bytes of it for this).</summary>
    public long? FindDuplicate(long keyId, string address, IReadOnlyList<int> categories, DateTimeOffset receivedAt)
    {
        var addresses = _addresses;
        if (!addresses.TryGetValue(address, out var entry))
        {
            return null;
        }

        var reporter = _reporters.ReporterOf(keyId);
        var bits = AddressReputation.Receipt.Bits(categories);
        var window = ReportLimits.DuplicateWindow.Ticks;
        lock (entry.Gate)
        {
            foreach (var previous in addresses.Receipts.Read(entry.Receipts))
            {
                if ((previous.Categories & bits) != 0 && receivedAt.UtcTicks - previous.ReceivedAtTicks < window &&
                    _reporters.ReporterOf(previous.KeyId) == reporter)
                {
                    return previous.ReportId;
                }
            }
        }

        return null;
    }

    /// <summary>The current score of an address (0 when unknown), from cache when still valid.</summary>
    public ScoreBreakdown Score(string address)
        => _addresses.TryGetValue(address, out var entry) ? Score(entry) : ScoreBreakdown.Zero;

    public ScoreBreakdown Score(AddressReputation entry) => Score(entry, keep: true);

    /// <summary>The current score of an address as two numbers (0 when unknown), without keeping a breakdown on the entry:
    /// for answers that show only the number (a report's reply), so every reported address does not carry an explanation
    /// nobody asked for (about a kilobyte each, promoted through every GC generation under a stream of new addresses).</summary>
    public CompactScore ScoreValue(string address)
        => _addresses.TryGetValue(address, out var entry) ? ScoreValue(entry) : default;

    /// <summary>
    /// The breakdown of an address without keeping it on the entry (a cached one is used when valid): a reader that goes
    /// over many addresses once must not leave a breakdown on each (a million kept would be about a gigabyte).
    /// </summary>
    public ScoreBreakdown ScoreOnce(AddressReputation entry) => Score(entry, keep: false);

    /// <summary>The whitelist entry that covers an address now, if any: the one its score is multiplied by.</summary>
    public WhitelistEntry? WhitelistOf(AddressReputation entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return MatchWhitelist(entry.Key, clock.UtcNow);
    }

    private ScoreBreakdown Score(AddressReputation entry, bool keep)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var now = clock.UtcNow;
        var version = InputsVersion;
        lock (entry.Gate)
        {
            return ScoreLocked(entry, now, version, keep);
        }
    }

    // Whether a score computed at scoredAtTicks still stands at now: always without decay, else within the refresh interval.
    private bool StillFresh(long scoredAtTicks, DateTimeOffset now)
        => calculator.Options.HalfLifeDays <= 0 || now.UtcTicks - scoredAtTicks < options.ScoreRefreshInterval.Ticks;

    // Score's work once the entry's lock is held (Described holds it already).
    private ScoreBreakdown ScoreLocked(AddressReputation entry, DateTimeOffset now, long version, bool keep)
    {
        var explained = entry.Explained;
        if (explained?.Score is { } cached && explained.ScoreVersion == version &&
            StillFresh(explained.ScoreAtTicks, now))
        {
            return cached;
        }

        var evidence = new Evidence[entry.Facts.Count];
        for (var i = 0; i < evidence.Length; i++)
        {
            evidence[i] = ToEvidence(entry.Facts[i]);
        }

        var score = calculator.Calculate(evidence, now, MatchWhitelist(entry.Key, now));
        if (keep)
        {
            explained = entry.Explained ??= new AddressReputation.ExplainedCache();
            explained.Score = score;
            explained.ScoreAtTicks = now.UtcTicks;
            explained.ScoreVersion = version;
        }

        return score;
    }

    /// <summary>
    /// The score of an address as two numbers, equal to <see cref="Score(AddressReputation)"/>'s <c>Score</c> and
    /// <c>RawScore</c>, cached on the entry without the breakdown (blocklists score every address; a million cached
    /// explanations would be about a gigabyte). A valid cached breakdown answers too.
    /// </summary>
    public CompactScore ScoreValue(AddressReputation entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var now = clock.UtcNow;
        var version = InputsVersion;
        lock (entry.Gate)
        {
            if (entry.Explained is { Score: { } full } explained && explained.ScoreVersion == version &&
                StillFresh(explained.ScoreAtTicks, now))
            {
                return new CompactScore(full.Score, full.RawScore);
            }

            if (entry.CachedCompactWhitelistVersion == (int)version && StillFresh(entry.CachedCompactAtTicks, now))
            {
                return entry.CachedCompact;
            }

            var count = entry.Facts.Count;
            var evidence = System.Buffers.ArrayPool<Evidence>.Shared.Rent(Math.Max(count, 1));
            try
            {
                for (var i = 0; i < count; i++)
                {
                    evidence[i] = ToEvidence(entry.Facts[i]);
                }

                var score = calculator.CalculateCompact(evidence.AsSpan(0, count), now, MatchWhitelist(entry.Key, now));
                entry.CachedCompact = score;
                entry.CachedCompactAtTicks = now.UtcTicks;
                entry.CachedCompactWhitelistVersion = (int)version;
                return score;
            }
            finally
            {
                Array.Clear(evidence, 0, count);
                System.Buffers.ArrayPool<Evidence>.Shared.Return(evidence);
            }
        }
    }

    public CheckResult Check(NormalizedAddress address, CheckQuery query) => CheckKnown(address, query) ?? NothingKnown(address);

    /// <summary>
    /// As <see cref="Check"/>, but null when nothing is known about the address: it is not public, or no report names
    /// it and no whitelist entry covers it (then <see cref="Check"/> answers <see cref="NothingKnown"/>). Half of the
    /// checks a busy node answers are about such addresses; they need no result object.
    /// </summary>
    public CheckResult? CheckKnown(NormalizedAddress address, CheckQuery query)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(query);
        if (!address.IsPublic)
        {
            return null;
        }

        var now = clock.UtcNow;
        // By the parsed address's bits: looking up by text would parse it a second time (for IPv6 with an allocation).
        if (!_addresses.TryGetValue(AddressKey.From(address.Address), out var entry))
        {
            return whitelist.Current.Match(address.Address, now) is { } listed ? Empty(address, listed) : null;
        }

        if (!query.IsFiltered)
        {
            var described = Described(entry, address, now);
            return query.IgnoreWhitelist && described.Score != described.Breakdown.RawScore
                ? described with { Score = described.Breakdown.RawScore }
                : described;
        }

        return CheckFiltered(entry, address, query, now);
    }

    /// <summary>A number that changes after any change to <paramref name="address"/>'s entry (a report applied, a purge, a
    /// reload, a snapshot adopted), and sometimes after another address's: equal twice, nothing changed in between.</summary>
    internal long ChangeStampOf(string address) => AddressKey.TryParse(address, out var key) ? _served.StampOf(key) : 0;

    /// <summary>
    /// What a face kept with <see cref="KeepServed"/> for a default check of <paramref name="address"/>, while everything
    /// it shows still holds; otherwise null and the ticket to keep the answer about to be made, taken before the index is
    /// read for it (a change applied meanwhile leaves that answer unserved). IPv4 only (see <see cref="ServedAnswers"/>).
    /// </summary>
    public object? FindServed(NormalizedAddress address, out ServedAnswers.Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(address);
        var key = AddressKey.From(address.Address);
        if (!address.IsPublic || key.IsIPv6)
        {
            ticket = default;
            return null;
        }

        return _served.Find(key, InputsVersion, clock.UtcNow.UtcTicks, out ticket);
    }

    /// <summary>Keeps what a face made of <paramref name="result"/>, the answer <see cref="CheckKnown"/> gave for a default
    /// check after <paramref name="ticket"/> was taken, for <see cref="FindServed"/>. Only the index's own described answer
    /// of a known address is kept (not a copy, not a filtered answer), until its score is due for a refresh.</summary>
    public void KeepServed(in ServedAnswers.Ticket ticket, CheckResult result, object answer)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(answer);
        if (result.HeldUntilTicks > 0 && ticket.Key == AddressKey.From(result.Address.Address))
        {
            _served.Keep(ticket, result.HeldUntilTicks, answer);
        }
    }

    // A filtered check (maxAge, protocols) in its own method: its lambda's closure was allocated on every check otherwise.
    private CheckResult CheckFiltered(AddressReputation entry, NormalizedAddress address, CheckQuery query, DateTimeOffset now)
    {
        var listed = whitelist.Current.Match(address.Address, now);
        ReportFact[] facts;
        lock (entry.Gate)
        {
            facts = entry.Facts.ToArray();
        }

        facts = Array.FindAll(facts, f =>
            (query.MaxAge is not { } maxAge || now - f.At <= maxAge) &&
            (query.Protocols is not { Count: > 0 } protocols || (f.Protocol is not null && protocols.Contains(f.Protocol))));
        if (facts.Length == 0)
        {
            return Empty(address, listed);
        }

        DateTimeOffset firstSeen = DateTimeOffset.MaxValue, lastSeen = DateTimeOffset.MinValue;
        foreach (var fact in facts)
        {
            firstSeen = fact.At < firstSeen ? fact.At : firstSeen;
            lastSeen = fact.At > lastSeen ? fact.At : lastSeen;
        }

        var breakdown = calculator.Calculate(Array.ConvertAll(facts, f => ToEvidence(f)), now, listed);
        var score = query.IgnoreWhitelist ? breakdown.RawScore : breakdown.Score;
        return Describe(address, facts, firstSeen, lastSeen, score, breakdown, listed);
    }

    /// <summary>
    /// The unfiltered answer for a known address, described once and reused while it stays true: the entry's score
    /// object is the one it was built on (any new evidence, purge or score refresh replaces that), the whitelist is
    /// the same version and the matching whitelist entry, if any, has not expired. Reads are most of the traffic, and
    /// describing costs far more than this check.
    /// </summary>
    private CheckResult Described(AddressReputation entry, NormalizedAddress address, DateTimeOffset now)
    {
        var whitelistVersion = InputsVersion;
        if (StillDescribed(entry, whitelistVersion, now) is { } held)
        {
            return held;
        }

        lock (entry.Gate)
        {
            // The score as Score(entry) gives it, taken under the lock already held, at the same time and inputs version.
            var breakdown = ScoreLocked(entry, now, whitelistVersion, keep: true);
            var explained = entry.Explained!;
            var cached = explained.Check;
            if (cached is not null && ReferenceEquals(cached.Breakdown, breakdown) && explained.CheckVersion == whitelistVersion &&
                (cached.Whitelisted?.ExpiresAt is not { } expires || expires > now))
            {
                return cached;
            }

            var listed = whitelist.Current.Match(address.Address, now);
            var described = Describe(address, entry.Facts.ToArray(), entry.FirstSeen,
                entry.LastSeen, breakdown.Score, breakdown, listed);
            // Until when the same answer is handed out (StillDescribed): the score's refresh, the whitelist entry's expiry.
            var until = calculator.Options.HalfLifeDays <= 0 ? long.MaxValue : explained.ScoreAtTicks + options.ScoreRefreshInterval.Ticks;
            described.HeldUntilTicks = listed?.ExpiresAt is { } listedUntil ? Math.Min(until, listedUntil.UtcTicks) : until;
            // The version first, the answer last: a reader without the lock that sees this answer sees its score too.
            explained.CheckVersion = whitelistVersion;
            Volatile.Write(ref explained.Check, described);
            return described;
        }
    }

    /// <summary>
    /// The answer described last, when it still holds, read without the entry's lock (a check of a known address is most
    /// of the traffic, and the lock wrote the entry's cache line on every one). It holds under the conditions the locked
    /// path checks: the score it was described with is the entry's current one (new evidence or a purge clears that),
    /// scored at these inputs and recently enough, the whitelist entry it shows not expired. The writers publish the answer
    /// after its score and versions, so an answer seen here is checked against them; any mix of old and new values fails a
    /// check and falls back to the lock, as does a read racing a new report (it sees the report or not, as it would have).
    /// </summary>
    private CheckResult? StillDescribed(AddressReputation entry, long version, DateTimeOffset now)
    {
        if (Volatile.Read(ref entry.Explained) is not { } explained || Volatile.Read(ref explained.Check) is not { } cached)
        {
            return null;
        }

        return StillFresh(Volatile.Read(ref explained.ScoreAtTicks), now) &&
            ReferenceEquals(Volatile.Read(ref explained.Score), cached.Breakdown) &&
            Volatile.Read(ref explained.ScoreVersion) == version && Volatile.Read(ref explained.CheckVersion) == version &&
            (cached.Whitelisted?.ExpiresAt is not { } expires || expires > now)
            ? cached
            : null;
    }

    /// <summary>Reports naming this e-mail address (normalised: trimmed, lower-case), or null when no retained report does.</summary>
    public EmailActivity? FindEmail(string email)
    {
        if (!_emails.TryGetValue(email, out var cell))
        {
            return null;
        }

        lock (cell.Gate)
        {
            return cell.Messages == 0 ? null : new EmailActivity(email, cell.Messages, cell.First, cell.Last);
        }
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
        var touched = Purged is null ? null : new List<AddressReputation>();
        // Duplicate-window receipts otherwise stay until the address's next report: most addresses get none.
        var receiptsFrom = (clock.UtcNow - ReportLimits.DuplicateWindow).UtcTicks;
        var receipts = _addresses.Receipts;
        foreach (var entry in _addresses.Values)
        {
            lock (entry.Gate)
            {
                receipts.Prune(ref entry.Receipts, receiptsFrom);
                if (entry.LastSeen < addressesInactiveBefore)
                {
                    droppedFacts += entry.Facts.Count;
                    entry.Facts.Clear();
                    receipts.Clear(ref entry.Receipts);
                    Removing?.Invoke(entry);
                    _addresses.TryRemove(entry.Key);
                    _served.Changed(entry.Key);
                    droppedAddresses++;
                    touched?.Add(entry);
                    continue;
                }

                var removed = entry.Facts.RemoveAll(f => f.At < reportsBefore);
                if (removed > 0)
                {
                    touched?.Add(entry);
                    droppedFacts += removed;
                    entry.RecountReports();
                    entry.Invalidate();
                    _served.Changed(entry.Key);
                }
            }
        }

        RebuildIdentities();
        foreach (var emptied in _prefixes.RemoveWhere(member => !_addresses.ContainsKey(member)))
        {
            _prefixChanges.TryRemove(emptied, out _);
        }

        if (droppedFacts > 0 || droppedAddresses > 0)
        {
            Interlocked.Increment(ref _version);
            Interlocked.Increment(ref _purges);
        }

        foreach (var entry in touched ?? [])
        {
            Purged?.Invoke(entry);
        }

        return (droppedFacts, droppedAddresses);
    }

    public ReputationOptions Options => options;

    /// <summary>Recounts usernames and e-mail addresses from the retained facts (after a purge or a withdrawal dropped some).</summary>
    private void RebuildIdentities()
    {
        _usernames.Clear();
        _emails.Clear();
        foreach (var entry in _addresses.Values)
        {
            lock (entry.Gate)
            {
                foreach (var group in entry.Facts.Where(f => f.Email is not null).GroupBy(f => f.ReportId))
                {
                    var fact = group.First();
                    CountEmail(fact.Email!, fact.At);
                }

                foreach (var group in entry.Facts.Where(f => f.Username is not null).GroupBy(f => f.ReportId))
                {
                    var fact = group.First();
                    CountUsername(fact.Username!, fact.Protocol, fact.At);
                }
            }
        }
    }

    // Index keys are canonical already: a plain parse, no normalisation (this runs for every address of a full list build).
    private WhitelistEntry? MatchWhitelist(AddressKey key, DateTimeOffset now) => whitelist.Current.Match(key, now);

    /// <summary>The answer of <see cref="Check"/> for an address nothing is known about (see <see cref="CheckKnown"/>).</summary>
    public static CheckResult NothingKnown(NormalizedAddress address) => Empty(address, null);

    private static CheckResult Empty(NormalizedAddress address, WhitelistEntry? listed)
        => new(address, false, 0, ScoreBreakdown.Zero, null, null, 0, 0, [], [], [], [], [], listed);

    /// <summary>Counts the facts by protocol, behaviour, primitive, category and day in one pass (this runs on a cache
    /// miss and for every filtered check, so no LINQ grouping). All facts of one report share everything but the
    /// category, so per-report counts take the report's first fact.</summary>
    private static CheckResult Describe(NormalizedAddress address, ReadOnlySpan<ReportFact> facts, DateTimeOffset firstSeen,
        DateTimeOffset lastSeen, int score, ScoreBreakdown breakdown, WhitelistEntry? listed)
    {
        var reportIds = new HashSet<long>(facts.Length);
        var protocols = new Dictionary<string, (long Sessions, long Events)>(StringComparer.Ordinal);
        var behaviours = new Dictionary<(string? Protocol, int CategoryId), long>();
        var categories = new Dictionary<int, long>();
        var days = new Dictionary<DateOnly, long>();
        Dictionary<int, long>? ports = null;
        Dictionary<string, long>? usernames = null;
        foreach (ref readonly var fact in facts)
        {
            var firstOfReport = reportIds.Add(fact.ReportId);
            if (fact.Protocol is { } protocol)
            {
                var (sessions, events) = protocols.GetValueOrDefault(protocol);
                protocols[protocol] = (sessions + (firstOfReport ? 1 : 0), events + 1);
            }

            behaviours[(fact.Protocol, fact.CategoryId)] = behaviours.GetValueOrDefault((fact.Protocol, fact.CategoryId)) + 1;
            categories[fact.CategoryId] = categories.GetValueOrDefault(fact.CategoryId) + 1;
            if (!firstOfReport)
            {
                continue;
            }

            var day = DateOnly.FromDateTime(fact.At.UtcDateTime);
            days[day] = days.GetValueOrDefault(day) + 1;
            if (fact.Port is { } port)
            {
                ports ??= [];
                ports[port] = ports.GetValueOrDefault(port) + 1;
            }

            if (fact.Username is { } username)
            {
                usernames ??= new Dictionary<string, long>(StringComparer.Ordinal);
                usernames[username] = usernames.GetValueOrDefault(username) + 1;
            }
        }

        var protocolList = new ProtocolActivity[protocols.Count];
        var i = 0;
        foreach (var (protocol, (sessions, events)) in protocols)
        {
            protocolList[i++] = new ProtocolActivity(protocol, sessions, events);
        }

        Array.Sort(protocolList, static (a, b) => a.Events != b.Events ? b.Events.CompareTo(a.Events) : string.CompareOrdinal(a.Protocol, b.Protocol));

        var behaviourList = new BehaviourActivity[behaviours.Count];
        i = 0;
        foreach (var ((protocol, categoryId), count) in behaviours)
        {
            var category = CategoryCatalog.Get(categoryId);
            var name = protocol is null ? category.Name : $"{protocol}:{category.Name}";
            behaviourList[i++] = new BehaviourActivity(name, category.Severity, count, category.Description);
        }

        Array.Sort(behaviourList, static (a, b) =>
            a.Severity != b.Severity ? b.Severity.CompareTo(a.Severity)
            : a.Count != b.Count ? b.Count.CompareTo(a.Count)
            : string.CompareOrdinal(a.Name, b.Name));

        var primitiveList = new List<PrimitiveActivity>((ports?.Count ?? 0) + (usernames?.Count ?? 0));
        foreach (var (port, count) in ports ?? [])
        {
            primitiveList.Add(new PrimitiveActivity($"port:{port}", count, $"Connections to port {port}"));
        }

        foreach (var (username, count) in usernames ?? [])
        {
            primitiveList.Add(new PrimitiveActivity($"username:{username}", count, $"Login attempts as '{username}'"));
        }

        primitiveList.Sort(static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Name, b.Name));
        if (primitiveList.Count > MaxPrimitives)
        {
            primitiveList.RemoveRange(MaxPrimitives, primitiveList.Count - MaxPrimitives);
        }

        var categoryList = new CategoryActivity[categories.Count];
        i = 0;
        foreach (var (id, count) in categories)
        {
            categoryList[i++] = new CategoryActivity(id, CategoryCatalog.Get(id).Name, count);
        }

        Array.Sort(categoryList, static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : a.Id.CompareTo(b.Id));

        var timeline = new DailyCount[days.Count];
        i = 0;
        foreach (var (day, count) in days)
        {
            timeline[i++] = new DailyCount(day, count);
        }

        Array.Sort(timeline, static (a, b) => a.Date.CompareTo(b.Date));

        return new CheckResult(address, true, score, breakdown, firstSeen, lastSeen, reportIds.Count, facts.Length, protocolList, behaviourList,
            primitiveList, categoryList, timeline, listed);
    }
}
