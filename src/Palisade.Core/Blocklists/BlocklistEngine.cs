using System.Buffers;
using System.Net;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Collections;
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
/// <see cref="Render(BlocklistSelection, BlocklistLayout, bool)"/> with its own layout
/// (<see cref="BlocklistLayout"/>, named by the layout). Both cache per snapshot and selection, so a million-line list is written once per data
/// version and then only copied to sockets.</item>
/// </list>
/// <para>The snapshot is rebuilt on demand when <see cref="ReputationIndex.Version"/> changed (or the score refresh interval
/// passed, because decaying scores move without new data). Each address keeps a stable slot, so a rebuild reuses the
/// geo data and derived fields of unchanged addresses and records what changed in a bounded journal for
/// <see cref="Changes"/>.</para>
/// <para>A score turn (<see cref="AnnounceTurn"/>, <see cref="ScoreTurn"/>, <see cref="CompleteTurn"/>) rescores every
/// address in the background while reads keep the previous turn's scores, and then applies only the entries whose
/// score moved: no read waits for a million addresses to be scored.</para>
/// </remarks>
public sealed class BlocklistEngine
{
    /// <summary>Bytes of rendered lists kept (all formats and queries together) before the least recently used are
    /// dropped; a list estimated larger than this is rendered while it is sent, never held.</summary>
    public const long RenderCacheBytes = 48L * 1024 * 1024;

    // ~88 bytes a record: the journal's list stays below ~23 MB. A build that changes more addresses than this (the full
    // build after a score refresh turn changes most of them) drops the history instead of growing past it.
    private const int JournalMaxRecords = 200_000;
    private const int JournalMaxGenerations = 4096;

    private readonly ReputationIndex _index;
    private readonly IGeoLookup _geo;
    private readonly IClock _clock;
    private readonly Lock _buildGate = new();
    private readonly Lock _cacheGate = new();
    private readonly string _instance = Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.NextInt64()))[..8];

    // Slot bookkeeping, touched only under _buildGate. The server's engine keeps an address's slot on its index entry
    // (AddressReputation.BlocklistSlot): a map of its own cost 28 bytes per address. A second engine over the same index
    // (tests compare with a fresh build) keeps that map (_slotOf), the entries' field being the first engine's.
    private readonly Dictionary<AddressKey, int>? _slotOf;
    private readonly Stack<int> _freeSlots = new();

    // Shared by builds and by lookups before the first snapshot (TryFind).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> _protocolSets = new(StringComparer.Ordinal);
    private int _slotCount;

    // Addresses that received reports since the last build (ReputationIndex.Changed), so a rebuild after a few
    // reports touches only those; anything else that moves the version (purge, whitelist) forces a full pass. Appended
    // to a list of chunks under the report's apply, deduplicated by the build: a dictionary of them was rehashed whole
    // by the report that crossed its size (136 ms at 670,000 addresses, every report in flight waiting; docs/performance.md
    // "Session 18"). Past one entry per four indexed addresses the list is dropped and the next build goes over
    // everything: it holds at most 2 bytes per address, and the build's dictionary of them a quarter of the addresses (up
    // to one per address, 360 MB at ten million during a bulk load, was what a score turn failed to allocate under a
    // 3.5 GB heap limit; a full build then costs about what an incremental one of that many would).
    private const int DirtyMinimumLimit = 65_536;
    private readonly Lock _dirtyGate = new();
    private ChunkedList<AddressReputation> _dirty = new();
    private bool _dirtyOverflow;
    private long _dirtyEvents;

    // The score turn being scored in the background (AnnounceTurn): until CompleteTurn, reads in that turn keep the
    // previous turn's scores and build only what reports changed. -1: none.
    private long _turnBucket = -1;
    private long _turnScored = -1;

    // Journal of changes between generations: the state an address had before each generation that changed it.
    private readonly List<JournalRecord> _journal = [];
    private readonly List<(long Generation, DateTimeOffset At)> _generations = [];
    private long _journalHorizon = 1;
    private readonly int _journalMaxRecords;
    private long _journalDropped; // the generation whose changes did not fit: none of them is recorded

    private volatile BlocklistSnapshot? _snapshot;
    private TaskCompletionSource? _building; // while a build holds _buildGate: what requests await instead of blocking
    private long _snapshotBucket = -1;
    private long _fullBuilds;
    private long _incrementalBuilds;

    private readonly Dictionary<string, BlocklistSelection> _selections = new(StringComparer.Ordinal);
    private readonly BlocklistRenderCache _renders;
    private long _cacheGeneration = -1;

    public BlocklistEngine(ReputationIndex index, IGeoLookup geo, IClock clock)
        : this(index, geo, clock, RenderCacheBytes)
    {
    }

    /// <param name="index">The index the lists are built from.</param>
    /// <param name="geo">Country and AS of each listed address.</param>
    /// <param name="clock">The time lists are built at.</param>
    /// <param name="renderCacheBytes">Bytes of rendered lists kept between pulls; a list larger than this is rendered while
    /// it is sent.</param>
    public BlocklistEngine(ReputationIndex index, IGeoLookup geo, IClock clock, long renderCacheBytes)
        : this(index, geo, clock, renderCacheBytes, JournalMaxRecords)
    {
    }

    /// <param name="journalMaxRecords">Changes kept for <see cref="Changes"/> (tests use a few).</param>
    internal BlocklistEngine(ReputationIndex index, IGeoLookup geo, IClock clock, long renderCacheBytes, int journalMaxRecords)
    {
        _renders = new BlocklistRenderCache(renderCacheBytes);
        _journalMaxRecords = journalMaxRecords;
        _index = index;
        _slotOf = index.ClaimBlocklistSlots() ? null : [];
        _geo = geo;
        _clock = clock;
        index.Changed += MarkDirty;
    }

    private readonly record struct JournalRecord(long Generation, AddressKey Address, BlocklistEntry Before, bool Existed);

    /// <summary>The geo data the entries' country and ASN come from (for AS names when rendering).</summary>
    public IGeoLookup Geo => _geo;

    /// <summary>Whether a snapshot was ever built (a list or change feed was asked for).</summary>
    public bool HasSnapshot => _snapshot is not null;

    /// <summary>The last snapshot built, as it is (no rebuild); null before the first.</summary>
    public BlocklistSnapshot? Latest => _snapshot;

    /// <summary>Snapshots built by a pass over every address since the process started (for /metrics).</summary>
    public long FullBuilds => Interlocked.Read(ref _fullBuilds);

    /// <summary>Snapshots built by updating only the addresses that received reports.</summary>
    public long IncrementalBuilds => Interlocked.Read(ref _incrementalBuilds);

    /// <summary>The snapshot of the current data, rebuilt first when the data changed.</summary>
    public BlocklistSnapshot Current()
    {
        var now = _clock.UtcNow;
        var version = _index.Version;
        var bucket = BucketOf(now);
        var snapshot = _snapshot;
        if (snapshot is not null && snapshot.DataVersion == version && ScoresCurrent(bucket))
        {
            return snapshot;
        }

        lock (_buildGate)
        {
            snapshot = _snapshot;
            var scoresCurrent = ScoresCurrent(bucket);
            if (snapshot is not null && snapshot.DataVersion == version && scoresCurrent)
            {
                return snapshot;
            }

            // An incremental build keeps the snapshot's turn (during an announced turn, the previous one's); a full one
            // scored every address now.
            return Publish(snapshot, now, sameScoreBucket: snapshot is not null && scoresCurrent, turnScored: false, bucket);
        }
    }

    /// <summary><see cref="Current"/> for a request: while a build runs (the first one after a start scores every address:
    /// seconds at a million, tens of seconds at ten million) it waits without holding a thread. A request blocked on the
    /// build holds a thread-pool thread, and on a small server a few list pulls then leave no thread for anything else —
    /// reports and health checks waited as long as the build.</summary>
    public async ValueTask<BlocklistSnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        await WhenBuiltAsync(cancellationToken);
        return Current();
    }

    /// <summary><see cref="Select"/> for a request (see <see cref="CurrentAsync"/>).</summary>
    public async ValueTask<BlocklistSelection> SelectAsync(BlocklistQuery query, CancellationToken cancellationToken)
    {
        await WhenBuiltAsync(cancellationToken);
        return Select(query);
    }

    /// <summary><see cref="Changes"/> for a request (see <see cref="CurrentAsync"/>).</summary>
    public async ValueTask<BlocklistChanges> ChangesAsync(BlocklistQuery query, BlocklistCursor since, CancellationToken cancellationToken)
    {
        await WhenBuiltAsync(cancellationToken);
        return Changes(query, since);
    }

    /// <summary>Completes when no build runs (a build starting just after is waited for the old way, holding the thread).</summary>
    private Task WhenBuiltAsync(CancellationToken cancellationToken)
        => Volatile.Read(ref _building) is { } building ? building.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>
    /// Builds under <see cref="_buildGate"/> (the caller holds it) and makes the result current: the snapshot, and its turn
    /// when every address was scored for <paramref name="bucket"/> (a full build, or an incremental one after
    /// <see cref="ScoreTurn"/>). While it runs, <see cref="WhenBuiltAsync"/> hands requests a task to await; it completes
    /// after the snapshot is set, so they find it.
    /// </summary>
    private BlocklistSnapshot Publish(BlocklistSnapshot? previous, DateTimeOffset now, bool sameScoreBucket, bool turnScored, long bucket)
    {
        var building = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _building, building);
        try
        {
            var snapshot = Build(previous, now, sameScoreBucket, out var full);
            _snapshot = snapshot;
            if (full || turnScored)
            {
                Volatile.Write(ref _snapshotBucket, bucket);
            }

            return snapshot;
        }
        finally
        {
            Volatile.Write(ref _building, null);
            building.TrySetResult();
        }
    }

    private long BucketOf(DateTimeOffset at) => at.UtcTicks / Math.Max(1, _index.Options.ScoreRefreshInterval.Ticks);

    /// <summary>Whether the snapshot's scores serve in <paramref name="bucket"/>: its own turn, or the one before while the
    /// announced turn is scored in the background.</summary>
    private bool ScoresCurrent(long bucket)
    {
        var built = Volatile.Read(ref _snapshotBucket);
        return built == bucket || (built == bucket - 1 && Volatile.Read(ref _turnBucket) == bucket);
    }

    /// <summary>
    /// Announces the score turn that starts at <paramref name="turn"/> (a boundary of the score refresh interval): from
    /// then until <see cref="CompleteTurn"/> or <see cref="CancelTurn"/>, reads keep the previous turn's scores (reports
    /// still show at once) instead of one of them scoring every address again. The caller runs <see cref="ScoreTurn"/>
    /// once the turn has come, then <see cref="CompleteTurn"/>; <see cref="CancelTurn"/> when anything failed.
    /// </summary>
    public void AnnounceTurn(DateTimeOffset turn) => Volatile.Write(ref _turnBucket, BucketOf(turn));

    /// <summary>Ends an announced turn without building (nothing if none is announced): the next read builds what it needs.</summary>
    public void CancelTurn() => Volatile.Write(ref _turnBucket, -1);

    /// <summary>
    /// Scores every address of the index now (at the announced turn; its caller may run it at a low priority: no read
    /// waits for it) and queues those whose score moved on a list for the next build, as reports do. Returns the addresses
    /// scored and how many of them moved. Without a turn announced and come, or a snapshot to compare with, it scores
    /// nothing (<see cref="CompleteTurn"/> then builds in full).
    /// </summary>
    public (int Scored, int Moved) ScoreTurn()
    {
        var bucket = Volatile.Read(ref _turnBucket);
        var snapshot = _snapshot;
        if (bucket < 0 || BucketOf(_clock.UtcNow) != bucket || snapshot is null || _slotOf is not null)
        {
            return (0, 0);
        }

        // Read lock-free, as a full build does. An address the snapshot does not hold at its slot is new since, and on the
        // list of reported addresses already.
        var scored = 0;
        var moved = new ChunkedList<AddressReputation>();
        foreach (var reputation in _index.Addresses)
        {
            var score = _index.ScoreValue(reputation);
            scored++;
            var slot = Volatile.Read(ref reputation.BlocklistSlot);
            if (Holds(snapshot, slot, reputation.Key) && snapshot.At(slot) is var entry &&
                (entry.Score != score.Score || entry.RawScore != score.RawScore))
            {
                moved.Add(reputation);
            }
        }

        lock (_dirtyGate)
        {
            foreach (var reputation in moved)
            {
                if (!QueueLocked(reputation))
                {
                    break;
                }
            }
        }

        Volatile.Write(ref _turnScored, bucket);
        return (scored, moved.Count);
    }

    /// <summary>
    /// Builds the snapshot of the announced turn: the addresses <see cref="ScoreTurn"/> found moved, with the reports since
    /// (an incremental build), or every address when the turn was not scored (or its list overflowed). Ends the
    /// announcement.
    /// </summary>
    public void CompleteTurn()
    {
        var bucket = Volatile.Read(ref _turnBucket);
        try
        {
            lock (_buildGate)
            {
                var now = _clock.UtcNow;
                if (bucket >= 0 && Volatile.Read(ref _turnScored) == bucket && BucketOf(now) == bucket && _snapshot is { } snapshot &&
                    _snapshotBucket == bucket - 1)
                {
                    Publish(snapshot, now, sameScoreBucket: true, turnScored: true, bucket);
                    return;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _turnBucket, -1);
        }

        Current(); // not scored for this turn (or already built by a read): whatever the turn still needs, in full
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

    /// <summary>
    /// The current snapshot's entry of <paramref name="address"/> (canonical text), read at the address's slot: no
    /// selection, scan or map per lookup (CrowdSec's live path). False when the address has no entry. Before the first
    /// snapshot, the entry that build will make.
    /// </summary>
    public bool TryFind(string address, out BlocklistEntry entry)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (_snapshot is null)
        {
            // Before the first snapshot (its build scores every address: seconds at a million, after a start) the one
            // address is described from the index as that build will describe it, so a bouncer's lookup does not wait.
            if (AddressKey.TryParse(address, out var known) && _index.Find(known) is { } found)
            {
                entry = Describe(found, _index.ScoreValue(found), null, _index.Options.ReputationRetentionDays);
                return true;
            }

            entry = default;
            return false;
        }

        var snapshot = Current();
        if (AddressKey.TryParse(address, out var key) && _index.Find(key) is { } reputation)
        {
            // An entry made anew since the snapshot (the address reloaded or dropped and reported again) has no slot yet;
            // the version step that made it also made Current() build, which gives it its slot back.
            int slot;
            if (_slotOf is null)
            {
                slot = Volatile.Read(ref reputation.BlocklistSlot);
            }
            else
            {
                lock (_buildGate)
                {
                    slot = _slotOf.GetValueOrDefault(key, -1);
                }
            }

            if (Holds(snapshot, slot, key))
            {
                entry = snapshot.At(slot);
                return true;
            }
        }

        entry = default;
        return false;
    }

    private static bool Holds(BlocklistSnapshot snapshot, int slot, AddressKey key)
        => slot >= 0 && slot < snapshot.SlotLimit && snapshot.At(slot) is { HasAddress: true } entry && entry.Key == key;

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
            var seen = new HashSet<AddressKey>();
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
        var positions = new Dictionary<AddressKey, int>();
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
                removed.Add(record.Address.ToString());
            }
        }

        if (query.MaxAgeDays is { } days && then < now)
        {
            AddAgedOut(snapshot, unlimited, TimeSpan.FromDays(days), then, touched, removed);
        }

        added.Sort((a, b) => (query.IgnoreWhitelist ? b.RawScore.CompareTo(a.RawScore) : b.Score.CompareTo(a.Score)));
        return new BlocklistChanges(current, added, removed, false, next);
    }

    /// <summary>Addresses with no change since <paramref name="then"/> that were on a maxAgeInDays list then and have aged
    /// out of its window since: they have no journal record (nothing happened to them), so only their age tells.</summary>
    private static void AddAgedOut(BlocklistSnapshot snapshot, BlocklistQuery query, TimeSpan window, DateTimeOffset then,
        List<JournalRecord> touched, List<string> removed)
    {
        var now = snapshot.GeneratedAt;
        var from = (then - window).ToUnixTimeMilliseconds();
        var to = (now - window).ToUnixTimeMilliseconds();
        HashSet<AddressKey>? changed = null;
        for (var slot = 0; slot < snapshot.SlotLimit; slot++)
        {
            ref readonly var entry = ref snapshot.At(slot);
            if (!entry.HasAddress || entry.LastSeenUnixMilliseconds < from || entry.LastSeenUnixMilliseconds >= to)
            {
                continue;
            }

            changed ??= [.. touched.Select(r => r.Address)];
            if (!changed.Contains(entry.Key) && query.Matches(entry, then) && !query.Matches(entry, now))
            {
                removed.Add(entry.Address);
            }
        }
    }

    /// <summary>A built-in text format of <paramref name="selection"/>.</summary>
    public RenderedBlocklist Render(BlocklistSelection selection, BlocklistFormat format)
        => Render(selection, BlocklistFormatLayout.For(format));

    /// <summary>
    /// <paramref name="selection"/> in <paramref name="layout"/> (a text format, or a face's JSON shape), gzip-compressed
    /// when asked. Cached in pieces per score and slot region: after a change only the pieces of the regions it touched are
    /// rendered again, and an unchanged list is the same object until the data changes.
    /// </summary>
    public RenderedBlocklist Render(BlocklistSelection selection, BlocklistLayout layout, bool gzip = false)
        => _renders.Render(selection, layout, gzip);

    private void MarkDirty(AddressReputation reputation)
    {
        // Before the first snapshot (start-up loads millions of reports) there is nothing to update: the first build goes
        // over every address. A change missed while that build runs is caught by its version check (a full build).
        if (_snapshot is null)
        {
            return;
        }

        lock (_dirtyGate)
        {
            _dirtyEvents++;
            QueueLocked(reputation);
        }
    }

    /// <summary>Queues <paramref name="reputation"/> for the next build; false once the list overflowed (the next build is a
    /// full one).</summary>
    private bool QueueLocked(AddressReputation reputation)
    {
        if (_dirtyOverflow)
        {
            return false;
        }

        if (_dirty.Count >= Math.Max(DirtyMinimumLimit, _index.Count / 4))
        {
            _dirtyOverflow = true;
            _dirty = new();
            return false;
        }

        _dirty.Add(reputation);
        return true;
    }

    private BlocklistSnapshot Build(BlocklistSnapshot? previous, DateTimeOffset now, bool sameScoreBucket, out bool full)
    {
        full = false;
        ChunkedList<AddressReputation> taken;
        long events;
        bool overflow;
        lock (_dirtyGate)
        {
            (taken, _dirty) = (_dirty, new());
            (events, _dirtyEvents) = (_dirtyEvents, 0);
            (overflow, _dirtyOverflow) = (_dirtyOverflow, false);
        }

        // Read after taking the dirty set: if every version step since the last build was a report we saw, only
        // those addresses changed. Otherwise (purge, whitelist change, a report still in flight, more reports than
        // addresses since the last build) go over everything.
        var version = _index.Version;
        if (!overflow && previous is not null && sameScoreBucket && version - previous.DataVersion == events)
        {
            Interlocked.Increment(ref _incrementalBuilds);
            // An address reported twice is in the list twice; its latest entry counts (a reload may have replaced it). Not
            // sized by the list: a few busy addresses can fill it with repeats.
            var dirty = new Dictionary<AddressKey, AddressReputation>();
            foreach (var reputation in taken)
            {
                dirty[reputation.Key] = reputation;
            }

            return BuildIncremental(previous, version, now, dirty.Values);
        }

        Interlocked.Increment(ref _fullBuilds);
        full = true;
        return BuildFull(previous, version, now);
    }

    private BlocklistSnapshot BuildIncremental(BlocklistSnapshot previous, long version, DateTimeOffset now, Dictionary<AddressKey, AddressReputation>.ValueCollection dirty)
    {
        // Copy-on-write: the previous snapshot's pages stay as they are (someone may still be sending from them); only
        // the pages holding changed slots are copied, and the rankings move only the entries whose score changed.
        var generation = previous.Generation + 1;
        var retention = _index.Options.ReputationRetentionDays;
        var pages = new List<BlocklistEntry[]>(previous.Pages);
        var copied = new HashSet<int>();
        var changes = new List<(int Slot, BlocklistEntry Before, BlocklistEntry After)>(dirty.Count);
        foreach (var reputation in dirty)
        {
            // Only reports moved the version since the last build (no purge, no reload), so an entry without a slot is
            // an address the previous snapshot does not hold.
            var slot = SlotOf(reputation);
            if (slot < 0)
            {
                slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slotCount++;
                SetSlot(reputation, slot);
            }

            var before = slot < previous.SlotLimit ? previous.At(slot) : default;
            var known = before.HasAddress;
            var entry = Describe(reputation, _index.ScoreValue(reputation), known ? before : null, retention);
            WritablePage(pages, copied, previous, slot)[slot & (BlocklistSnapshot.PageSize - 1)] = entry;
            changes.Add((slot, before, entry));
            if (!known)
            {
                Record(generation, reputation.Key, default, existed: false);
            }
            else if (!before.SameListing(entry))
            {
                Record(generation, reputation.Key, before, existed: true);
            }
        }

        _generations.Add((generation, now));
        TrimJournal();
        var slotLimit = Math.Max(previous.SlotLimit, _slotCount);
        var stamps = CarryStamps(previous.RegionStamps, slotLimit, generation);
        foreach (var (slot, _, _) in changes)
        {
            stamps[slot >> BlocklistSnapshot.RegionBits] = generation;
        }

        return new BlocklistSnapshot(generation, version, now, [.. pages], slotLimit,
            previous.ByScore.Update(changes), previous.ByRawScoreIfBuilt?.Update(changes), stamps);
    }

    /// <summary>The page of <paramref name="slot"/>, copied from <paramref name="previous"/> the first time this build writes it.</summary>
    private static BlocklistEntry[] WritablePage(List<BlocklistEntry[]> pages, HashSet<int> copied, BlocklistSnapshot? previous, int slot)
    {
        var page = slot >> BlocklistSnapshot.PageBits;
        while (pages.Count <= page)
        {
            copied.Add(pages.Count);
            pages.Add(new BlocklistEntry[BlocklistSnapshot.PageSize]);
        }

        if (copied.Add(page) && previous is not null && page < previous.Pages.Length)
        {
            pages[page] = (BlocklistEntry[])pages[page].Clone();
        }

        return pages[page];
    }

    private int SlotOf(AddressReputation reputation)
        => _slotOf is null ? Volatile.Read(ref reputation.BlocklistSlot) : _slotOf.GetValueOrDefault(reputation.Key, -1);

    private void SetSlot(AddressReputation reputation, int slot)
    {
        if (_slotOf is null)
        {
            Volatile.Write(ref reputation.BlocklistSlot, slot);
        }
        else
        {
            _slotOf[reputation.Key] = slot;
        }
    }

    private BlocklistSnapshot BuildFull(BlocklistSnapshot? previous, long version, DateTimeOffset now)
    {
        if (previous is null)
        {
            return BuildFirst(version, now);
        }

        // Every address is scored again (decay moves scores without new data), but copy-on-write as in an incremental
        // build: only pages with an entry that changed are copied, so a refresh where most scores held costs little memory.
        var generation = (previous?.Generation ?? 0) + 1;
        var previousLimit = previous?.SlotLimit ?? 0;
        var pages = new List<BlocklistEntry[]>(previous?.Pages ?? []);
        var copied = new HashSet<int>();
        var retention = _index.Options.ReputationRetentionDays;
        const int mask = BlocklistSnapshot.PageSize - 1;
        var visited = new System.Collections.BitArray(_slotCount + _index.Count + 1);
        // Regions keep their stamp when none of their entries changed, so their rendered pieces stay valid.
        var changedRegions = new HashSet<int>();

        void Place(AddressReputation reputation, int slot, bool isNew)
        {
            if (slot >= visited.Length)
            {
                visited.Length = Math.Max(slot + 1, visited.Length * 2);
            }

            visited[slot] = true;
            var score = _index.ScoreValue(reputation);
            var old = !isNew && slot < previousLimit ? previous!.At(slot) : default;
            var known = old.HasAddress;
            if (known && old.Score == score.Score && old.RawScore == score.RawScore && old.Sessions == reputation.TotalReports &&
                old.LastSeenUnixMilliseconds == reputation.LastSeen.ToUnixTimeMilliseconds())
            {
                return; // nothing that shows on a list changed: the entry (and its page) stay as they are
            }

            var entry = Describe(reputation, score, known ? old : null, retention);
            WritablePage(pages, copied, previous, slot)[slot & mask] = entry;
            changedRegions.Add(slot >> BlocklistSnapshot.RegionBits);
            if (!known)
            {
                Record(generation, reputation.Key, default, existed: false);
            }
            else if (!old.SameListing(entry))
            {
                Record(generation, reputation.Key, old, existed: true);
            }
        }

        // Entries still at their slot of the previous snapshot first; the others (new addresses, and entries made anew
        // for an address the snapshot holds: reloaded, or dropped and reported again) once the slots are known.
        List<AddressReputation>? unplaced = null;
        foreach (var reputation in _index.Addresses)
        {
            var slot = SlotOf(reputation);
            if (slot >= 0 && slot < previousLimit && !visited[slot] && previous!.At(slot).Key == reputation.Key && previous.At(slot).HasAddress)
            {
                Place(reputation, slot, isNew: false);
            }
            else
            {
                (unplaced ??= new List<AddressReputation>(previous is null ? _index.Count : 16)).Add(reputation);
            }
        }

        // Slots of the previous snapshot no entry came back to: an entry made anew takes its address's slot back, the
        // rest are addresses gone from the index (purged, withdrawn) and leave.
        Dictionary<AddressKey, int>? orphans = null;
        for (var slot = 0; slot < Math.Min(previousLimit, _slotCount); slot++)
        {
            if (!visited[slot] && previous!.At(slot) is { HasAddress: true } gone)
            {
                (orphans ??= [])[gone.Key] = slot;
            }
        }

        foreach (var reputation in unplaced ?? [])
        {
            // An index read while a writer replaced an entry can yield the old object too: only the current one is placed
            // (an old one that kept its slot above is an orphan at the next build, which the replacement forces).
            if (previous is not null && !ReferenceEquals(_index.Find(reputation.Key), reputation))
            {
                continue;
            }

            var slot = -1;
            var isNew = orphans?.Remove(reputation.Key, out slot) != true;
            if (isNew)
            {
                slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slotCount++;
            }

            SetSlot(reputation, slot);
            Place(reputation, slot, isNew);
        }

        foreach (var (gone, slot) in orphans ?? [])
        {
            Record(generation, gone, previous!.At(slot), existed: true);
            WritablePage(pages, copied, previous, slot)[slot & mask] = default;
            changedRegions.Add(slot >> BlocklistSnapshot.RegionBits);
            _freeSlots.Push(slot);
            _slotOf?.Remove(gone);
        }

        while (pages.Count << BlocklistSnapshot.PageBits < _slotCount)
        {
            pages.Add(new BlocklistEntry[BlocklistSnapshot.PageSize]);
        }

        _generations.Add((generation, now));
        TrimJournal();
        BlocklistEntry[][] table = [.. pages];
        var stamps = CarryStamps(previous?.RegionStamps, _slotCount, generation);
        foreach (var region in changedRegions)
        {
            stamps[region] = generation;
        }

        return new BlocklistSnapshot(generation, version, now, table, _slotCount, RankIndex.Build(table, _slotCount, raw: false), null, stamps);
    }

    /// <summary>
    /// The first snapshot: every address is new and takes the next slot, in the index's order. Filtered lists and the
    /// decisions stream wait for it after a start (~1 µs an address: 11 s at ten million on one core), and each entry is
    /// scored and described on its own, so the entries are made on every core: this thread and
    /// <see cref="Environment.ProcessorCount"/> - 1 helpers, each first calling <see cref="HelperStarting"/> (the server
    /// lowers their priority there, as it does its own background thread's, so requests keep the cores first).
    /// </summary>
    private BlocklistSnapshot BuildFirst(long version, DateTimeOffset now)
    {
        const long generation = 1;
        var retention = _index.Options.ReputationRetentionDays;
        var placed = new List<AddressReputation>(_index.Count);
        foreach (var reputation in _index.Addresses)
        {
            SetSlot(reputation, _slotCount++);
            placed.Add(reputation);
        }

        var table = new BlocklistEntry[(_slotCount + BlocklistSnapshot.PageSize - 1) >> BlocklistSnapshot.PageBits][];
        // On the pinned-object heap: a million addresses fill ~1,000 pages of 56 KB that all live on, and allocated young
        // they set off ~160 generation-0 and ~75 generation-1 collections in the build's first 100 ms, each copying them
        // up: ~50 ms of pauses for the requests that come first after a start (docs/performance.md "Session 30"). Pinned
        // pages are born old and never copied; later builds replace changed pages with ordinary ones.
        for (var page = 0; page < table.Length; page++)
        {
            table[page] = GC.AllocateArray<BlocklistEntry>(BlocklistSnapshot.PageSize, pinned: true);
        }

        // Pages are handed out one at a time: a page is one worker's alone, and a few busy addresses do not hold up one
        // worker's share.
        var nextPage = -1;
        void DescribePages()
        {
            int page;
            while ((page = Interlocked.Increment(ref nextPage)) < table.Length)
            {
                var entries = table[page];
                var end = Math.Min(placed.Count, (page + 1) << BlocklistSnapshot.PageBits);
                for (var slot = page << BlocklistSnapshot.PageBits; slot < end; slot++)
                {
                    var reputation = placed[slot];
                    entries[slot & (BlocklistSnapshot.PageSize - 1)] = Describe(reputation, _index.ScoreValue(reputation), null, retention);
                }
            }
        }

        var helpers = table.Length > 1 ? Math.Max(0, Environment.ProcessorCount - 1) : 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = new Thread[helpers];
        for (var i = 0; i < helpers; i++)
        {
            threads[i] = new Thread(() =>
            {
                try
                {
                    HelperStarting?.Invoke();
                    DescribePages();
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex);
                }
            })
            {
                IsBackground = true,
                Name = "Palisade first blocklist build",
            };
            threads[i].Start();
        }

        try
        {
            DescribePages();
        }
        finally
        {
            foreach (var thread in threads)
            {
                thread.Join();
            }
        }

        if (!failures.IsEmpty)
        {
            throw new AggregateException("Building the first blocklist snapshot failed.", failures);
        }

        _generations.Add((generation, now));
        TrimJournal();
        return new BlocklistSnapshot(generation, version, now, table, _slotCount, RankIndex.Build(table, _slotCount, raw: false), null,
            CarryStamps(null, _slotCount, generation));
    }

    /// <summary>
    /// Called first on each helper thread the first build starts (<see cref="BuildFirst"/>); null: none. The server lowers
    /// the thread's scheduling priority here.
    /// </summary>
    public Action? HelperStarting { get; init; }

    /// <summary>The previous snapshot's region stamps, extended to <paramref name="slotLimit"/> (new regions stamped now).</summary>
    private static long[] CarryStamps(long[]? previous, int slotLimit, long generation)
    {
        var regions = (slotLimit + (1 << BlocklistSnapshot.RegionBits) - 1) >> BlocklistSnapshot.RegionBits;
        var stamps = new long[Math.Max(regions, previous?.Length ?? 0)];
        var kept = previous?.Length ?? 0;
        previous?.CopyTo(stamps, 0);
        Array.Fill(stamps, generation, kept, stamps.Length - kept);
        return stamps;
    }

    private BlocklistEntry Describe(AddressReputation reputation, Scoring.CompactScore score, BlocklistEntry? previous, int retentionDays)
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
            var geo = _geo.IsAvailable ? _geo.Lookup(reputation.Key.ToIPAddress()) : null;
            country = CountryCodes.Pack(geo?.CountryCode);
            asn = geo?.Asn ?? 0;
        }

        return new BlocklistEntry(reputation.Key, score.Score, score.RawScore, first, last, retentionDays,
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

        return _protocolSets.TryGetValue(key, out var set) ? set : _protocolSets.GetOrAdd(key, several is null ? [single] : [.. several]);
    }

    private void Record(long generation, AddressKey address, BlocklistEntry before, bool existed)
    {
        // The first snapshot has no predecessor a client could hold a cursor for.
        if (generation <= 1 || generation == _journalDropped)
        {
            return;
        }

        if (_journal.Count >= _journalMaxRecords)
        {
            // This build changes more than the journal holds: trimming afterwards would drop this generation's records
            // anyway, after the list had grown to one record per changed address (a million at community scale, ~180 MB
            // kept by the list's capacity from then on). A cursor older than this generation gets a reset (the whole list).
            _journal.Clear();
            _journalDropped = generation;
            _journalHorizon = generation;
            return;
        }

        _journal.Add(new JournalRecord(generation, address, before, existed));
    }

    /// <summary>Records the journal's list has room for: the most it ever held (tests check its bound).</summary>
    internal int JournalCapacity => _journal.Capacity;

    private void TrimJournal()
    {
        // Drop the oldest generations until within bounds; a cursor older than the horizon is answered with a reset.
        while (_journal.Count > _journalMaxRecords || _generations.Count > JournalMaxGenerations)
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

    private static bool TryFindListed(BlocklistSelection selection, AddressKey address, Dictionary<AddressKey, int> positions, out BlocklistEntry entry)
    {
        if (positions.Count == 0 && selection.Count > 0)
        {
            for (var i = 0; i < selection.Count; i++)
            {
                positions[selection.Entry(i).Key] = i;
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
        var rank = query.IgnoreWhitelist ? snapshot.ByRawScore : snapshot.ByScore;
        var cursor = BlocklistCursor.Format(_instance, snapshot.Generation);
        var limit = query.Limit ?? int.MaxValue;
        var minimum = Math.Max(0, query.ScoreMinimum);
        var scored = rank.CountAtLeast(minimum);
        var groups = new List<(int Key, int Start)>();
        if (!query.HasEntryFilters)
        {
            // Ranked by score: the list is a prefix of the ranking, no copy needed, and its tag is known per score.
            for (int score = 100, start = 0; score >= minimum; score--)
            {
                if (rank.CountOf(score) > 0)
                {
                    groups.Add((score, start));
                    start += rank.CountOf(score);
                }
            }

            var count = Math.Min(scored, limit);
            return new BlocklistSelection(snapshot, query, rank.Order, count, scored, cursor, [.. groups],
                count == scored ? rank.HashAtLeast(query.ScoreMinimum) : null);
        }

        var now = snapshot.GeneratedAt;
        var matched = new SlotSequence();
        var order = rank.Order;
        for (int score = 100, position = 0; score >= minimum; score--)
        {
            var first = true;
            for (var end = position + rank.CountOf(score); position < end; position++)
            {
                var slot = order[position];
                if (query.Matches(snapshot.At(slot), now))
                {
                    if (first)
                    {
                        groups.Add((score, matched.Count));
                        first = false;
                    }

                    matched.Add(slot);
                }
            }
        }

        return new BlocklistSelection(snapshot, query, matched, Math.Min(matched.Count, limit), matched.Count, cursor, [.. groups]);
    }

    private void ResetCachesIfStale(BlocklistSnapshot snapshot)
    {
        if (snapshot.Generation > _cacheGeneration)
        {
            _selections.Clear();
            _cacheGeneration = snapshot.Generation;
        }
    }
}
