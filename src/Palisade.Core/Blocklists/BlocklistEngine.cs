using System.Buffers;
using System.Net;
using Palisade.Core.Categories;
using Palisade.Core.Geo;
using Palisade.Core.Reputation;
using Palisade.Core.Time;

namespace Palisade.Core.Blocklists;

/// <summary>
/// Blocklists for every face (native, AbuseIPDB, ReportedIP, IPSwamp, CrowdSec decisions), from one in-memory snapshot.
/// </summary>
/// <remarks>
/// <para>API, in the order a face uses it:</para>
/// <list type="number">
/// <item><see cref="Select"/>(query) → <see cref="BlocklistSelection"/>: the matching entries, best first, limit applied;
/// <c>Total</c> before the limit, <c>ETag</c> over the content (answer If-None-Match before charging quota),
/// <c>Cursor</c> for a later incremental pull, <c>Take(n)</c> to cut to the remaining quota.</item>
/// <item><see cref="Changes"/>(query, since) → <see cref="BlocklistChanges"/>: added entries and removed addresses since
/// a cursor or timestamp (CrowdSec's decisions stream; <c>since=</c> elsewhere).</item>
/// <item><see cref="Render(BlocklistSelection, BlocklistFormat)"/> → cached bytes of a text format (plaintext, csv, ipset,
/// iptables, nftables, nginx, nginx-geo, csf); a face's own JSON shape goes through
/// <see cref="Render(BlocklistSelection, string, Action{BlocklistSelection, IBufferWriter{byte}})"/> with its own writer
/// and a key naming the shape. Both cache per snapshot and selection, so a million-line list is written once per data
/// version and then only copied to sockets.</item>
/// </list>
/// <para>The snapshot is rebuilt on demand when <see cref="ReputationIndex.Version"/> changed (or the score refresh interval
/// passed, because decaying scores move without new data). Each address keeps a stable slot, so a rebuild reuses the
/// geo data and derived fields of unchanged addresses and records what changed in a bounded journal for
/// <see cref="Changes"/>.</para>
/// </remarks>
public sealed class BlocklistEngine
{
    /// <summary>Bytes of rendered lists kept (all formats and queries together) before older ones are dropped.</summary>
    public const long RenderCacheBytes = 48L * 1024 * 1024;

    private const int JournalMaxRecords = 200_000;
    private const int JournalMaxGenerations = 4096;

    private readonly ReputationIndex _index;
    private readonly IGeoLookup _geo;
    private readonly IClock _clock;
    private readonly Lock _buildGate = new();
    private readonly Lock _cacheGate = new();
    private readonly string _instance = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()))[..8];

    // Slot bookkeeping, touched only under _buildGate.
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly Stack<int> _freeSlots = new();
    private readonly Dictionary<string, string[]> _protocolSets = new(StringComparer.Ordinal);
    private int _slotCount;

    // Addresses that received reports since the last build (ReputationIndex.Changed), so a rebuild after a few
    // reports touches only those; anything else that moves the version (purge, whitelist) forces a full pass.
    private readonly Lock _dirtyGate = new();
    private Dictionary<string, AddressReputation> _dirty = new(StringComparer.Ordinal);
    private long _dirtyEvents;

    // Journal of changes between generations: the state an address had before each generation that changed it.
    private readonly List<JournalRecord> _journal = [];
    private readonly List<(long Generation, DateTimeOffset At)> _generations = [];
    private long _journalHorizon = 1;

    private volatile BlocklistSnapshot? _snapshot;
    private long _snapshotBucket = -1;

    private readonly Dictionary<string, BlocklistSelection> _selections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RenderedBlocklist> _renders = new(StringComparer.Ordinal);
    private long _renderBytes;
    private long _cacheGeneration = -1;

    public BlocklistEngine(ReputationIndex index, IGeoLookup geo, IClock clock)
    {
        _index = index;
        _geo = geo;
        _clock = clock;
        index.Changed += MarkDirty;
    }

    private readonly record struct JournalRecord(long Generation, string Address, BlocklistEntry Before, bool Existed);

    /// <summary>The geo data the entries' country and ASN come from (for AS names when rendering).</summary>
    public IGeoLookup Geo => _geo;

    /// <summary>The snapshot of the current data, rebuilt first when the data changed.</summary>
    public BlocklistSnapshot Current()
    {
        var now = _clock.UtcNow;
        var version = _index.Version;
        var bucket = now.UtcTicks / Math.Max(1, _index.Options.ScoreRefreshInterval.Ticks);
        var snapshot = _snapshot;
        if (snapshot is not null && snapshot.DataVersion == version && Volatile.Read(ref _snapshotBucket) == bucket)
        {
            return snapshot;
        }

        lock (_buildGate)
        {
            snapshot = _snapshot;
            if (snapshot is not null && snapshot.DataVersion == version && _snapshotBucket == bucket)
            {
                return snapshot;
            }

            var incremental = snapshot is not null && _snapshotBucket == bucket;
            snapshot = Build(snapshot, now, incremental);
            _snapshot = snapshot;
            Volatile.Write(ref _snapshotBucket, bucket);
            return snapshot;
        }
    }

    /// <summary>The entries matching <paramref name="query"/>, best first, cut at its limit.</summary>
    public BlocklistSelection Select(BlocklistQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var snapshot = Current();
        var key = query.FilterKey + "|" + (query.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        lock (_cacheGate)
        {
            ResetCachesIfStale(snapshot);
            if (_selections.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var selection = Filter(snapshot, query);
        lock (_cacheGate)
        {
            ResetCachesIfStale(snapshot);
            if (_cacheGeneration == snapshot.Generation)
            {
                if (_selections.Count >= 32)
                {
                    _selections.Clear();
                }

                _selections[key] = selection;
            }
        }

        return selection;
    }

    /// <summary>What joined and left the list of <paramref name="query"/> since <paramref name="since"/>. The limit of the
    /// query is not applied to changes (membership is decided by the filters alone).</summary>
    public BlocklistChanges Changes(BlocklistQuery query, BlocklistCursor since)
    {
        ArgumentNullException.ThrowIfNull(query);
        var unlimited = query with { Limit = null };
        var current = Select(unlimited);
        var snapshot = current.Snapshot;
        var next = current.Cursor;
        var now = snapshot.GeneratedAt;

        List<JournalRecord> touched;
        DateTimeOffset then;
        lock (_buildGate)
        {
            var from = ResolveGeneration(since, out then);
            if (from is null)
            {
                return new BlocklistChanges(current, current, [], true, next);
            }

            touched = [];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var start = FirstJournalIndexAfter(from.Value);
            for (var i = start; i < _journal.Count && _journal[i].Generation <= snapshot.Generation; i++)
            {
                // The first record after the cursor holds the state the client last saw.
                if (seen.Add(_journal[i].Address))
                {
                    touched.Add(_journal[i]);
                }
            }
        }

        var added = new List<BlocklistEntry>();
        var removed = new List<string>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in touched)
        {
            var wasListed = record.Existed && unlimited.Matches(record.Before, then);
            var isListed = TryFindListed(current, record.Address, positions, out var entry);
            if (isListed && !wasListed)
            {
                added.Add(entry);
            }
            else if (!isListed && wasListed)
            {
                removed.Add(record.Address);
            }
        }

        added.Sort((a, b) => (query.IgnoreWhitelist ? b.RawScore.CompareTo(a.RawScore) : b.Score.CompareTo(a.Score)));
        return new BlocklistChanges(current, added, removed, false, next);
    }

    /// <summary>A built-in text format of <paramref name="selection"/>, rendered once per snapshot and cached.</summary>
    public RenderedBlocklist Render(BlocklistSelection selection, BlocklistFormat format)
        => Render(selection, "format:" + format, (s, output) => BlocklistRenderer.Write(s, format, output));

    /// <summary>Any rendering of <paramref name="selection"/> (a face's JSON shape), cached under
    /// <paramref name="renderingKey"/> for this snapshot and selection.</summary>
    public RenderedBlocklist Render(BlocklistSelection selection, string renderingKey, Action<BlocklistSelection, IBufferWriter<byte>> write)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(write);
        var key = renderingKey + "|" + selection.Query.FilterKey + "|" + selection.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        lock (_cacheGate)
        {
            ResetCachesIfStale(selection.Snapshot);
            if (_cacheGeneration == selection.Snapshot.Generation && _renders.TryGetValue(key, out var cached))
            {
                return cached;
            }
        }

        var buffer = new BlocklistBuffer();
        write(selection, buffer);
        var rendered = new RenderedBlocklist(buffer.Segments(), buffer.Length, selection.Count, selection.ETag);
        lock (_cacheGate)
        {
            ResetCachesIfStale(selection.Snapshot);
            if (_cacheGeneration == selection.Snapshot.Generation && rendered.Length <= RenderCacheBytes)
            {
                if (_renderBytes + rendered.Length > RenderCacheBytes)
                {
                    _renders.Clear();
                    _renderBytes = 0;
                }

                if (_renders.TryAdd(key, rendered))
                {
                    _renderBytes += rendered.Length;
                }
            }
        }

        return rendered;
    }

    /// <summary>Ranks slots by score (or raw score), highest first; ties keep slot order. A counting sort: scores are 0–100.</summary>
    internal static int[] RankSlots(BlocklistEntry[] slots, int[] members, bool raw)
    {
        Span<int> counts = stackalloc int[102];
        foreach (var slot in members)
        {
            counts[100 - (raw ? slots[slot].RawScore : slots[slot].Score) + 1]++;
        }

        for (var i = 1; i < counts.Length; i++)
        {
            counts[i] += counts[i - 1];
        }

        var ranked = new int[members.Length];
        foreach (var slot in members)
        {
            ranked[counts[100 - (raw ? slots[slot].RawScore : slots[slot].Score)]++] = slot;
        }

        return ranked;
    }

    private void MarkDirty(AddressReputation reputation)
    {
        lock (_dirtyGate)
        {
            _dirty[reputation.Address] = reputation;
            _dirtyEvents++;
        }
    }

    private BlocklistSnapshot Build(BlocklistSnapshot? previous, DateTimeOffset now, bool sameScoreBucket)
    {
        Dictionary<string, AddressReputation> dirty;
        long events;
        lock (_dirtyGate)
        {
            (dirty, _dirty) = (_dirty, new Dictionary<string, AddressReputation>(StringComparer.Ordinal));
            (events, _dirtyEvents) = (_dirtyEvents, 0);
        }

        // Read after taking the dirty set: if every version step since the last build was a report we saw, only
        // those addresses changed. Otherwise (purge, whitelist change, a report still in flight) go over everything.
        var version = _index.Version;
        if (previous is not null && sameScoreBucket && version - previous.DataVersion == events)
        {
            return BuildIncremental(previous, version, now, dirty.Values);
        }

        return BuildFull(previous, version, now);
    }

    private BlocklistSnapshot BuildIncremental(BlocklistSnapshot previous, long version, DateTimeOffset now, IEnumerable<AddressReputation> dirty)
    {
        var generation = previous.Generation + 1;
        var old = previous.Slots;
        var retention = TimeSpan.FromDays(_index.Options.ReputationRetentionDays);
        var slots = new BlocklistEntry[Math.Max(old.Length, _slotCount + 1024)];
        Array.Copy(old, slots, old.Length);
        var members = new List<int>();
        foreach (var reputation in dirty)
        {
            var isNew = !_slotOf.TryGetValue(reputation.Address, out var slot);
            if (isNew)
            {
                slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slotCount++;
                if (slot >= slots.Length)
                {
                    Array.Resize(ref slots, Math.Max(slots.Length * 2, slot + 1024));
                }

                _slotOf[reputation.Address] = slot;
                members.Add(slot);
            }

            var entry = Describe(reputation, _index.Score(reputation), isNew ? null : old[slot], retention);
            slots[slot] = entry;
            if (isNew)
            {
                Record(generation, reputation.Address, default, existed: false);
            }
            else if (!old[slot].SameListing(entry))
            {
                Record(generation, reputation.Address, old[slot], existed: true);
            }
        }

        _generations.Add((generation, now));
        TrimJournal();
        int[] memberArray = members.Count == 0 ? previous.Members : [.. previous.Members, .. members];
        return new BlocklistSnapshot(generation, version, now, slots, memberArray, RankSlots(slots, memberArray, raw: false));
    }

    private BlocklistSnapshot BuildFull(BlocklistSnapshot? previous, long version, DateTimeOffset now)
    {
        var generation = (previous?.Generation ?? 0) + 1;
        var old = previous?.Slots ?? [];
        var capacity = Math.Max(old.Length, _index.Count + 1024);
        var slots = new BlocklistEntry[capacity];
        var visited = new bool[capacity];
        var retention = TimeSpan.FromDays(_index.Options.ReputationRetentionDays);
        var members = new List<int>(_index.Count);
        foreach (var reputation in _index.Addresses)
        {
            var isNew = !_slotOf.TryGetValue(reputation.Address, out var slot);
            if (isNew)
            {
                slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slotCount++;
                if (slot >= slots.Length)
                {
                    // More addresses arrived during the pass than the capacity allowed for.
                    Array.Resize(ref slots, slots.Length * 2);
                    Array.Resize(ref visited, slots.Length);
                }

                _slotOf[reputation.Address] = slot;
            }
            else if (visited[slot])
            {
                continue;
            }

            visited[slot] = true;
            members.Add(slot);
            var score = _index.Score(reputation);
            var known = !isNew && slot < old.Length && old[slot].Address is not null;
            if (known && old[slot].Score == score.Score && old[slot].RawScore == score.RawScore && old[slot].Sessions == reputation.TotalReports &&
                old[slot].LastSeenUnixMilliseconds == reputation.LastSeen.ToUnixTimeMilliseconds())
            {
                // Nothing that shows on a list changed: keep the entry (and its geo data) as it was.
                slots[slot] = old[slot];
                continue;
            }

            var entry = Describe(reputation, score, known ? old[slot] : null, retention);
            slots[slot] = entry;
            if (!known)
            {
                Record(generation, reputation.Address, default, existed: false);
            }
            else if (!old[slot].SameListing(entry))
            {
                Record(generation, reputation.Address, old[slot], existed: true);
            }
        }

        // Addresses gone from the index (purged) leave their slots.
        for (var slot = 0; slot < Math.Min(old.Length, _slotCount); slot++)
        {
            if (!visited[slot] && old[slot].Address is { } gone && _slotOf.TryGetValue(gone, out var at) && at == slot)
            {
                Record(generation, gone, old[slot], existed: true);
                _slotOf.Remove(gone);
                _freeSlots.Push(slot);
            }
        }

        _generations.Add((generation, now));
        TrimJournal();
        var memberArray = members.ToArray();
        memberArray.AsSpan().Sort();
        return new BlocklistSnapshot(generation, version, now, slots, memberArray, RankSlots(slots, memberArray, raw: false));
    }

    private BlocklistEntry Describe(AddressReputation reputation, Scoring.ScoreBreakdown score, BlocklistEntry? previous, TimeSpan retention)
    {
        ushort categories = 0;
        var severity = Severity.Info;
        string[] protocols;
        DateTimeOffset first, last;
        long sessions;
        lock (reputation.Gate)
        {
            string? single = null;
            List<string>? several = null;
            foreach (var fact in reputation.Facts)
            {
                categories |= (ushort)(1 << (fact.CategoryId - 1));
                var categorySeverity = CategoryCatalog.Get(fact.CategoryId).Severity;
                if (categorySeverity > severity)
                {
                    severity = categorySeverity;
                }

                if (fact.Protocol is { } protocol && protocol != single && (several is null || !several.Contains(protocol)))
                {
                    if (single is null)
                    {
                        single = protocol;
                    }
                    else
                    {
                        (several ??= [single]).Add(protocol);
                    }
                }
            }

            protocols = InternProtocols(single, several);
            first = reputation.FirstSeen;
            last = reputation.LastSeen;
            sessions = reputation.TotalReports;
        }

        ushort country;
        uint asn;
        if (previous is { } known)
        {
            country = known.PackedCountry;
            asn = known.PackedAsn;
        }
        else
        {
            var geo = _geo.IsAvailable && IPAddress.TryParse(reputation.Address, out var ip) ? _geo.Lookup(ip) : null;
            country = CountryCodes.Pack(geo?.CountryCode);
            asn = geo?.Asn ?? 0;
        }

        var isIPv6 = reputation.Address.Contains(':', StringComparison.Ordinal);
        return new BlocklistEntry(reputation.Address, isIPv6, score.Score, score.RawScore, first, last, last + retention,
            (int)Math.Min(sessions, int.MaxValue), protocols, categories, severity, country, asn);
    }

    private string[] InternProtocols(string? single, List<string>? several)
    {
        if (single is null)
        {
            return [];
        }

        string key;
        if (several is null)
        {
            key = single;
        }
        else
        {
            several.Sort(StringComparer.Ordinal);
            key = string.Join(',', several);
        }

        if (!_protocolSets.TryGetValue(key, out var set))
        {
            set = several is null ? [single] : [.. several];
            _protocolSets[key] = set;
        }

        return set;
    }

    private void Record(long generation, string address, BlocklistEntry before, bool existed)
    {
        // The first snapshot has no predecessor a client could hold a cursor for.
        if (generation > 1)
        {
            _journal.Add(new JournalRecord(generation, address, before, existed));
        }
    }

    private void TrimJournal()
    {
        // Drop the oldest generations until within bounds; a cursor older than the horizon is answered with a reset.
        while (_journal.Count > JournalMaxRecords || _generations.Count > JournalMaxGenerations)
        {
            if (_generations.Count <= 1)
            {
                _journal.Clear();
                _journalHorizon = _generations.Count == 1 ? _generations[0].Generation : _journalHorizon;
                return;
            }

            _generations.RemoveAt(0);
            var horizon = _generations[0].Generation;
            var count = 0;
            while (count < _journal.Count && _journal[count].Generation <= horizon)
            {
                count++;
            }

            _journal.RemoveRange(0, count);
            _journalHorizon = horizon;
        }
    }

    /// <summary>The generation a cursor or timestamp stands for, or null when the history does not reach back to it.</summary>
    private long? ResolveGeneration(BlocklistCursor since, out DateTimeOffset at)
    {
        at = default;
        if (since.Time is { } time)
        {
            // The newest generation built at or before that time is the state the client had then.
            for (var i = _generations.Count - 1; i >= 0; i--)
            {
                if (_generations[i].At <= time)
                {
                    if (_generations[i].Generation < _journalHorizon)
                    {
                        return null;
                    }

                    at = _generations[i].At;
                    return _generations[i].Generation;
                }
            }

            return null;
        }

        if (since.Instance != _instance || since.Generation < _journalHorizon)
        {
            return null;
        }

        foreach (var (generation, builtAt) in _generations)
        {
            if (generation == since.Generation)
            {
                at = builtAt;
                return generation;
            }
        }

        return null;
    }

    private int FirstJournalIndexAfter(long generation)
    {
        int low = 0, high = _journal.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_journal[middle].Generation <= generation)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static bool TryFindListed(BlocklistSelection selection, string address, Dictionary<string, int> positions, out BlocklistEntry entry)
    {
        if (positions.Count == 0 && selection.Count > 0)
        {
            for (var i = 0; i < selection.Count; i++)
            {
                positions[selection.Entry(i).Address] = i;
            }
        }

        if (positions.TryGetValue(address, out var position))
        {
            entry = selection.Entry(position);
            return true;
        }

        entry = default;
        return false;
    }

    private BlocklistSelection Filter(BlocklistSnapshot snapshot, BlocklistQuery query)
    {
        var order = query.IgnoreWhitelist ? snapshot.ByRawScore : snapshot.ByScore;
        var cursor = BlocklistCursor.Format(_instance, snapshot.Generation);
        var limit = query.Limit ?? int.MaxValue;
        if (!query.HasEntryFilters)
        {
            // Ranked by score: the list is a prefix of the order, no copy needed.
            var total = 0;
            while (total < order.Length && (query.IgnoreWhitelist ? snapshot.At(order[total]).RawScore : snapshot.At(order[total]).Score) >= query.ScoreMinimum)
            {
                total++;
            }

            return new BlocklistSelection(snapshot, query, order, Math.Min(total, limit), total, cursor);
        }

        var now = snapshot.GeneratedAt;
        var matched = new List<int>();
        foreach (var slot in order)
        {
            ref readonly var entry = ref snapshot.At(slot);
            if ((query.IgnoreWhitelist ? entry.RawScore : entry.Score) < query.ScoreMinimum)
            {
                break;
            }

            if (query.Matches(entry, now))
            {
                matched.Add(slot);
            }
        }

        return new BlocklistSelection(snapshot, query, [.. matched], Math.Min(matched.Count, limit), matched.Count, cursor);
    }

    private void ResetCachesIfStale(BlocklistSnapshot snapshot)
    {
        if (snapshot.Generation > _cacheGeneration)
        {
            _selections.Clear();
            _renders.Clear();
            _renderBytes = 0;
            _cacheGeneration = snapshot.Generation;
        }
    }
}
