using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Palisade.Core.Addresses;
using Palisade.Core.Collections;
using Palisade.Core.Reputation;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Stix;

/// <summary>
/// Keeps the TAXII version log in step with the reputation index. Addresses whose reports changed are queued by the
/// index's <see cref="ReputationIndex.Changed"/> event; a rescan of every address (score decay, purges, whitelist
/// changes) runs on an interval. A new version is written only when something a consumer sees changes: the score
/// band, the labels, or <c>valid_until</c> moving by at least <see cref="StixOptions.ExtensionStep"/>. A whitelisted
/// or delisted address gets a final revoked version; if it is listed again it gets a new id.
/// </summary>
/// <remarks>
/// One writer at a time assigns <c>date_added</c> (unique, increasing, Unix µs) and commits in that order, so a reader
/// paging with <c>added_after</c> can never see a later version before an earlier one commits.
/// </remarks>
public sealed class StixPublisher(ReputationIndex index, WhitelistProvider whitelist, ITaxiiStore store, StixOptions options, IClock clock)
    : IDisposable
{
    // Addresses per append transaction. Each append holds the store's write gate, which report commits wait for: 2,000
    // held it ~100 ms, 256 ~13 ms; 64 gave single reports ~12 % more throughput and p99 ~52 -> ~40 ms at 64 connections
    // (docs/performance.md "Session 14").
    private const int BatchSize = 64;

    private readonly IndicatorObserver _observer = new(index, options);
    private readonly SemaphoreSlim _writer = new(1, 1);

    // One head per address ever published (ten million at community scale), so kept small (IndicatorHeads): the object
    // id derived when needed. Only the writer (holding _writer) changes them; the index moves one off an entry it removes.
    private readonly IndicatorHeads _heads = new(index);
    private readonly Lock _listenLock = new();
    // Addresses changed since they were last published, added from the report's apply: sharded, so that a publisher
    // that fell behind (it runs at a lower priority) does not make the apply that crosses the set's size rehash it whole
    // (a ConcurrentDictionary of 50,000 took 13 ms under the ingest benchmark; docs/performance.md "Session 18").
    private readonly ShardedSet<AddressKey> _pending = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _lastDateAdded;
    private long _loadedThrough; // the last date_added the heads were loaded through (0: none loaded yet)
    private int _drainsInFlight; // CatchUpAsync passes that took pending addresses and have not committed them yet
    private long _indicatorVersionsPublished;
    private long _rescans;
    private long _lastRescanTicks;
    private long _scannedWhitelistVersion = -1;
    private DateTimeOffset _lastScan = DateTimeOffset.MinValue;
    private bool _started;
    private volatile bool _publishing;
    private bool _early; // the first load streams the heads, and polls publish what is pending (LoadAsync)

    // Completed by the first load (publishing or following): heads are loaded after the server starts serving, so polls
    // that need them (pending reports to publish, an indicator looked up by address) wait for it; others do not.
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long a poll waits for the first load before answering from the store as it is.</summary>
    public static readonly TimeSpan LoadWait = TimeSpan.FromSeconds(30);

    public StixOptions Options => options;

    /// <summary>
    /// Starts collecting the addresses that change, before the published state is loaded: the server may take reports
    /// while <see cref="StartAsync"/> still reads a million heads, and a poll after such a report must include it.
    /// </summary>
    public void Listen()
    {
        lock (_listenLock)
        {
            if (!_started)
            {
                index.Changed += OnChanged;
                index.Purged += OnChanged; // a purged address is revoked now, not at the next rescan
                _started = true;
            }
        }
    }

    /// <summary>Waits (at most <see cref="LoadWait"/>) until the published state is loaded.</summary>
    public async Task WaitUntilLoadedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _loaded.Task.WaitAsync(LoadWait, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Loads the published state, makes sure the identity and marking objects exist and starts listening.</summary>
    /// <param name="cancellationToken">Stops the load.</param>
    /// <param name="beforeHeads">Awaited before the heads are read (a start reads the index's first blocklist build
    /// first): polls publish what they wait for meanwhile.</param>
    public Task StartAsync(CancellationToken cancellationToken, Func<CancellationToken, Task>? beforeHeads = null)
        => LoadAsync(publish: true, beforeHeads, cancellationToken);

    /// <summary>
    /// Loads the published state without publishing: another node holds the publisher lease and writes the shared log;
    /// this node serves pages from it. Call again to refresh, or <see cref="StartAsync"/> on taking over the lease.
    /// </summary>
    public Task FollowAsync(CancellationToken cancellationToken) => LoadAsync(publish: false, null, cancellationToken);

    /// <summary>Stops writing at once (the publisher lease was lost); readers then serve what the store holds.</summary>
    public void Pause()
    {
        _publishing = false;
        Volatile.Write(ref _early, false);
    }

    /// <summary>True while this node writes the version log.</summary>
    public bool IsPublishing => _publishing;

    /// <summary>Indicator versions (new, updated or revoked) this node committed since the process started (for /metrics).</summary>
    public long IndicatorVersionsPublished => Interlocked.Read(ref _indicatorVersionsPublished);

    /// <summary>Rescans of every address (periodic or after a whitelist change) this node completed since it started.</summary>
    public long Rescans => Interlocked.Read(ref _rescans);

    /// <summary>How long the last completed rescan took (wall time, batches and the waits between them included): an
    /// operator compares it with <see cref="StixOptions.RescanInterval"/>, which it must stay well below.</summary>
    public TimeSpan LastRescanDuration => TimeSpan.FromTicks(Interlocked.Read(ref _lastRescanTicks));

    /// <summary>Indicators ever published (current and revoked), as loaded or written by this node.</summary>
    public int IndicatorCount => _heads.Count;

    private async Task LoadAsync(bool publish, Func<CancellationToken, Task>? beforeHeads, CancellationToken cancellationToken)
    {
        _publishing = false;
        // The first load of a publisher streams every head without holding the writer (ten million heads: 20-30 s after a
        // start), and a poll meanwhile publishes what it waits for from those addresses' heads read by address
        // (CatchUpAsync). Later loads (a follower's refresh, taking over the lease) read a few versions, holding it.
        var early = publish && !_loaded.Task.IsCompleted;
        await _writer.WaitAsync(cancellationToken);
        var held = true;
        try
        {
            // The first load reads every head; later ones only the versions added since the last, which follow the heads
            // it read. The mark is read first: a version committed while the heads are read is read again next time.
            var through = await store.LastDateAddedAsync(cancellationToken);
            // The whitelist as the load begins counts as scanned (the load's background rescan covers it); one changed
            // while the heads stream in is rescanned by the next poll, which waits for the load for it (CatchUpAsync).
            var whitelistVersion = whitelist.Version;
            if (early)
            {
                _lastDateAdded = Math.Max(_lastDateAdded, through);
                await EnsureSharedObjectsAsync(cancellationToken);
                Volatile.Write(ref _scannedWhitelistVersion, whitelistVersion);
                Volatile.Write(ref _early, true);
                _writer.Release();
                held = false;
            }

            if (beforeHeads is not null)
            {
                await beforeHeads(cancellationToken);
            }

            // Streamed into the heads as read: a list of ten million loaded heads, and a dictionary of them by address text
            // to keep the highest generation, took 21-29 s after a start at that size. The latest version wins, in
            // whatever order they come (IndicatorHeads.Load), so a head a poll published meanwhile is not undone.
            await store.LoadHeadsAsync(_loadedThrough, LoadHead, cancellationToken);

            if (!held)
            {
                await _writer.WaitAsync(cancellationToken);
                held = true;
            }

            // The heads of addresses the index no longer holds grew by doubling while they streamed in: give back the room
            // none uses. Not after a refresh, which adds a few.
            if (_loadedThrough == 0)
            {
                _heads.TrimExcess();
            }

            _loadedThrough = through;
            _lastDateAdded = Math.Max(_lastDateAdded, await store.LastDateAddedAsync(cancellationToken));
            if (publish)
            {
                if (!early)
                {
                    await EnsureSharedObjectsAsync(cancellationToken);
                }

                // The previous publisher may have left work: rescan everything, in the background and in batches (a
                // million addresses take a minute; polls must not wait for that).
                _lastScan = DateTimeOffset.MinValue;
                Volatile.Write(ref _scannedWhitelistVersion, whitelistVersion);
                _publishing = true;
            }

            Listen();
            _loaded.TrySetResult();
        }
        finally
        {
            Volatile.Write(ref _early, false);
            if (held)
            {
                _writer.Release();
            }
        }
    }

    private void LoadHead(StoredIndicatorHead head)
        => _heads.Load(AddressKey.Parse(head.Address), PublishedHead.Of(head, Intern(head.Labels, head.Techniques)));

    /// <summary>The current indicator id of an address, if it was ever published.</summary>
    public string? ObjectIdOf(string address)
    {
        if (!AddressKey.TryParse(address, out var key) || !_heads.TryGet(key, out var head))
        {
            return null;
        }

        return StixIdentifiers.Indicator(address, head.Generation);
    }

    /// <summary>True when reports arrived, the whitelist changed or a rescan is due since the last publication.</summary>
    public bool HasWork => !_pending.IsEmpty || NeedsRescan;

    private bool NeedsRescan => WhitelistChanged || RescanDue;

    private bool WhitelistChanged => whitelist.Version != Volatile.Read(ref _scannedWhitelistVersion);

    private bool RescanDue => clock.UtcNow - _lastScan >= options.RescanInterval;

    /// <summary>Waits until reports arrive (or the timeout passes); the background loop calls <see cref="CatchUpAsync"/> then.</summary>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _wake.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Publishes whatever is pending, and everything again after a whitelist change. Readers call it before answering,
    /// so a report accepted (or a whitelist entry added) before a poll is in that poll; it returns at once when there is
    /// nothing to do. The periodic rescan (decay, expiry, start-up) is <see cref="PublishDueAsync"/>'s, in the background.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        // Before the first load nothing was published by this process: only pending reports need the load, and while a
        // publisher's first load streams the heads, not even they (they are published from their heads read by address).
        // A whitelist changed while they stream needs every head: that poll waits for the load, then rescans.
        if (!_loaded.Task.IsCompleted)
        {
            var early = Volatile.Read(ref _early);
            var whitelistWaits = early && WhitelistChanged;
            if (_pending.IsEmpty && !whitelistWaits)
            {
                return;
            }

            if (!early || whitelistWaits)
            {
                await WaitUntilLoadedAsync(cancellationToken);
            }
        }

        // Pending work is drained under the writer lock, counted in _drainsInFlight before it leaves _pending, so
        // "nothing pending and no drain in flight" means everything queued before this call is committed. A writer busy
        // with a batch of the periodic rescan holds none of it: a poll does not wait for that batch (the rescan runs at
        // a lower priority, TaxiiPublisherService).
        if (!(_publishing || Volatile.Read(ref _early)) || (_pending.IsEmpty && !WhitelistChanged && Volatile.Read(ref _drainsInFlight) == 0))
        {
            return;
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            var loading = !_loaded.Task.IsCompleted; // the first load streams the heads (it completes under the writer)
            if (WhitelistChanged && !loading && _publishing)
            {
                await RescanLockedAsync(cancellationToken);
            }
            else if (_publishing || (loading && Volatile.Read(ref _early)))
            {
                Interlocked.Increment(ref _drainsInFlight);
                try
                {
                    var keys = _pending.TakeAll();
                    if (loading)
                    {
                        // Their heads may not have streamed in yet: read them by address, so each next version follows its
                        // address's latest (a relisting its generation). A whitelist change waits for the load's rescan.
                        await store.LoadHeadsAsync(keys.ConvertAll(key => key.ToString()), LoadHead, cancellationToken);
                    }

                    await PublishLockedAsync(keys, cancellationToken);
                }
                finally
                {
                    Interlocked.Decrement(ref _drainsInFlight);
                }
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// The background loop's turn: the periodic rescan when due, in batches of <see cref="BatchSize"/> addresses with the
    /// writer lock taken per batch (a poll waits for one batch at most, not for a million addresses), then what is pending.
    /// </summary>
    public async Task PublishDueAsync(CancellationToken cancellationToken)
    {
        if (_publishing && RescanDue && !WhitelistChanged)
        {
            var now = clock.UtcNow;
            var started = Stopwatch.GetTimestamp();
            var batch = new List<AddressKey>(BatchSize);
            foreach (var address in AllAddresses())
            {
                if (!_publishing)
                {
                    break;
                }

                batch.Add(address);
                if (batch.Count == BatchSize)
                {
                    await PublishBatchAsync(batch, cancellationToken);
                }
            }

            await PublishBatchAsync(batch, cancellationToken);
            _lastScan = now;
            Rescanned(started);
        }

        await CatchUpAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (_started)
        {
            index.Changed -= OnChanged;
            index.Purged -= OnChanged;
        }

        _heads.Dispose();
        _writer.Dispose();
    }

    private void OnChanged(AddressReputation entry)
    {
        _pending.Add(entry.Key);
        _wake.Writer.TryWrite(true);
    }

    private async Task RescanLockedAsync(CancellationToken cancellationToken)
    {
        var whitelistVersion = whitelist.Version;
        var now = clock.UtcNow;
        var started = Stopwatch.GetTimestamp();
        _pending.Clear();
        await PublishLockedAsync(AllAddresses(), cancellationToken);
        Volatile.Write(ref _scannedWhitelistVersion, whitelistVersion);
        _lastScan = now;
        Rescanned(started);
    }

    private void Rescanned(long started)
    {
        Interlocked.Exchange(ref _lastRescanTicks, Stopwatch.GetElapsedTime(started).Ticks);
        Interlocked.Increment(ref _rescans);
    }

    private async Task PublishBatchAsync(List<AddressKey> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0 || !_publishing)
        {
            batch.Clear();
            return;
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            await PublishLockedAsync(batch, cancellationToken);
        }
        finally
        {
            _writer.Release();
            batch.Clear();
        }
    }

    // Every address the index holds, then every published one it no longer holds (to be revoked), read as the walk goes:
    // a rescan never lists every address at once (a million keys in a set and a list were 40 MB on the large-object heap
    // every RescanInterval; ten times that at ten million). The index is read without a lock (it tolerates writes during
    // a walk); the heads a shard at a time under their lock.
    private IEnumerable<AddressKey> AllAddresses()
    {
        foreach (var entry in index.Addresses)
        {
            yield return entry.Key;
        }

        foreach (var key in _heads.RemovedAddresses())
        {
            yield return key;
        }
    }

    private async Task PublishLockedAsync(IEnumerable<AddressKey> keys, CancellationToken cancellationToken)
    {
        var versions = new List<StixVersion>();
        var heads = new List<(AddressKey Address, PublishedHead Head)>();
        var lastDateAdded = _lastDateAdded;
        try
        {
            foreach (var key in keys)
            {
                PublishedHead? previous = _heads.TryGet(key, out var found) ? found : null;
                if (Decide(key, previous) is not { } next)
                {
                    continue;
                }

                // The text only for a version written: a rescan decides about every address and writes for few.
                var address = key.ToString();

                var dateAdded = lastDateAdded = Math.Max(StixTimestamp.ToMicroseconds(clock.UtcNow), lastDateAdded + 1);
                var sameObject = previous is { } p && p.Generation == next.Generation;
                var indicator = next.ToIndicator(address);
                versions.Add(StixVersion.Of(StixCollection.All, dateAdded, indicator, !sameObject));
                if (next.InHighConfidence)
                {
                    var firstInHigh = !sameObject || !previous!.Value.InHighConfidence;
                    versions.Add(StixVersion.Of(StixCollection.HighConfidence, dateAdded, indicator, firstInHigh));
                }

                heads.Add((key, next));
                if (heads.Count >= BatchSize)
                {
                    await FlushAsync(versions, heads, lastDateAdded, cancellationToken);
                }
            }

            await FlushAsync(versions, heads, lastDateAdded, cancellationToken);
        }
        catch
        {
            // Whatever was not committed is tried again on the next pass.
            foreach (var (address, _) in heads)
            {
                _pending.Add(address);
            }

            throw;
        }
    }

    private async Task FlushAsync(List<StixVersion> versions, List<(AddressKey Address, PublishedHead Head)> heads, long lastDateAdded, CancellationToken cancellationToken)
    {
        if (heads.Count == 0)
        {
            return;
        }

        await store.AppendAsync(versions, cancellationToken);
        foreach (var (address, head) in heads)
        {
            _heads.Set(address, head);
        }

        Interlocked.Add(ref _indicatorVersionsPublished, heads.Count);

        _lastDateAdded = lastDateAdded;
        versions.Clear();
        heads.Clear();
    }

    /// <summary>The next head of an address, or null when consumers need no new version.</summary>
    private PublishedHead? Decide(AddressKey address, PublishedHead? current)
    {
        var now = clock.UtcNow;
        var nowMs = StixTimestamp.ToMilliseconds(now);
        var observed = _observer.Observe(address);
        var observation = observed.GetValueOrDefault();
        var eligible = observed.HasValue && !observation.Whitelisted && observation.Score >= options.MinimumScore;
        var validUntil = observed.HasValue ? StixTimestamp.ToMilliseconds(observation.LastSeen + options.Validity) : 0;

        if (current is not { Revoked: false } head)
        {
            // A new listing (a revoked object is final, so a relisted address gets a new id), unless already expired.
            if (!eligible || validUntil <= nowMs)
            {
                return null;
            }

            var generation = current is { } revoked ? revoked.Generation + 1 : 0;
            return new PublishedHead(generation, nowMs, nowMs, validUntil, observation.Score, Intern(observation.Labels, observation.Techniques), false,
                observation.Score >= ScoreBand.HighConfidenceThreshold);
        }

        var modified = Math.Max(nowMs, head.Modified + 1);
        if (!eligible)
        {
            return head with { Modified = modified, Revoked = true };
        }

        var band = ScoreBand.Of(observation.Score);
        var extended = validUntil >= head.ValidUntil + (long)options.ExtensionStep.TotalMilliseconds;
        var changed = band != head.Band || observation.Labels != head.Texts.Labels || observation.Techniques != head.Texts.Techniques || extended;
        if (!changed || Math.Max(validUntil, head.ValidUntil) <= nowMs)
        {
            // Nothing a consumer would notice, or the indicator has expired and nothing new was seen to revive it.
            return null;
        }

        return head with
        {
            Modified = modified,
            ValidUntil = Math.Max(validUntil, head.ValidUntil),
            Confidence = observation.Score,
            Texts = Intern(observation.Labels, observation.Techniques),
            InHighConfidence = head.InHighConfidence || observation.Score >= ScoreBand.HighConfidenceThreshold,
        };
    }

    private async Task EnsureSharedObjectsAsync(CancellationToken cancellationToken)
    {
        var ids = new[] { StixIdentifiers.TlpWhite, StixIdentifiers.Identity };
        var existing = await store.QueryAsync(new StixVersionQuery(StixCollection.All, null, 10) { Ids = ids, Versions = VersionSelection.Every }, cancellationToken);
        var versions = new List<StixVersion>();
        foreach (var (id, type, created, body) in new[]
        {
            (StixIdentifiers.TlpWhite, "marking-definition", StixObjects.TlpCreated, StixObjects.TlpWhiteMarking()),
            (StixIdentifiers.Identity, "identity", StixObjects.IdentityCreated, StixObjects.Identity(options.IdentityName)),
        })
        {
            if (existing.Any(v => v.ObjectId == id))
            {
                continue;
            }

            var dateAdded = _lastDateAdded = Math.Max(StixTimestamp.ToMicroseconds(clock.UtcNow), _lastDateAdded + 1);
            versions.Add(new StixVersion(StixCollection.All, dateAdded, id, type, created, true, body));
            versions.Add(new StixVersion(StixCollection.HighConfidence, dateAdded, id, type, created, true, body));
        }

        if (versions.Count > 0)
        {
            await store.AppendAsync(versions, cancellationToken);
        }
    }

    // Distinct label and technique lists are few (they come from categories); bounded all the same, as they are derived
    // from reports. Locked: the first load interns while a poll's drain may (LoadAsync).
    private readonly Dictionary<(string Labels, string Techniques), HeadTexts> _texts = [];

    private HeadTexts Intern(string labels, string techniques)
    {
        lock (_texts)
        {
            if (_texts.TryGetValue((labels, techniques), out var known))
            {
                return known;
            }

            var texts = new HeadTexts(labels, techniques);
            if (_texts.Count < 100_000)
            {
                _texts[(labels, techniques)] = texts;
            }

            return texts;
        }
    }
}
