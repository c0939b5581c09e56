using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Palisade.Core.Addresses;
using Palisade.Core.Keys;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Time;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Reputation;

/// <summary>
/// Who stands behind each key (docs/scoring.md "Reporters"): its reporter (all keys of one dashboard account are one
/// reporter; operator keys one each unless grouped), the reporter's network group and its trust, earned by
/// corroboration. The index resolves every report through this at scoring time, so regrouping keys or a change of
/// standing applies to reports already stored.
/// </summary>
public sealed class ReporterBook
{
    /// <summary>Most networks remembered per reporter (a reporter roaming over more networks links no further ones).</summary>
    public const int MaxNetworksPerReporter = 64;

    private readonly TrustOptions _options;
    private readonly IClock _clock;
    private readonly Lock _gate = new();

    // Key id → what a report of that key resolves to. Replaced whole (copy on write): reads are lock-free.
    private volatile Dictionary<long, Resolved> _resolved = [];
    private Dictionary<long, KeyInfo> _keys = [];
    private Dictionary<long, ReporterRecord> _records = [];
    private Dictionary<long, long> _withdrawn = [];
    private readonly Dictionary<long, HashSet<string>> _networks = [];
    private readonly ConcurrentQueue<(long ReporterId, string Network)> _pendingNetworks = new();
    private long _version;

    public ReporterBook()
        : this(new TrustOptions(), SystemClock.Instance)
    {
    }

    public ReporterBook(TrustOptions options, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _options = options;
        _clock = clock;
    }

    // Read by every check (the index's inputs version): an atomic read, not Interlocked.Read's locked exchange, which
    // took the line for writing on every read.
    /// <summary>Increases whenever a resolution can have changed (keys, groups, standings): cached scores key on it.</summary>
    public long Version => Volatile.Read(ref _version);

    public TrustOptions Options => _options;

    /// <summary>What a report of one key counts as.</summary>
    /// <param name="ReporterId">The reporter's opaque id.</param>
    /// <param name="Trust">The key's current trust weight.</param>
    /// <param name="Network">The reporter's network group (0 = not grouped).</param>
    /// <param name="Provisional">Self-service and not yet corroborated.</param>
    public readonly record struct Resolved(long ReporterId, double Trust, long Network, bool Provisional);

    private sealed record KeyInfo(long KeyId, long ReporterId, bool SelfService, double TierTrust, ReporterKind Kind, bool Vouched, bool Grouped,
        DateTimeOffset CreatedAt, string? Network);

    /// <summary>The reporter of a key; the key id itself for a key this book does not know (tests, a key created a moment ago elsewhere).</summary>
    public long ReporterOf(long keyId) => _resolved.TryGetValue(keyId, out var r) ? r.ReporterId : keyId;

    /// <summary>Resolves one stored report's key. Unknown keys keep the trust stored with the report and count as their own reporter.</summary>
    public Resolved Resolve(long keyId, double storedTrust)
        => _resolved.TryGetValue(keyId, out var r) ? r : new Resolved(keyId, storedTrust, 0, false);

    /// <summary>Replaces every key (after the key ring reloaded).</summary>
    public void SetKeys(IEnumerable<ApiKey> keys, TierCatalog tiers)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(tiers);
        var fresh = new Dictionary<long, KeyInfo>();
        foreach (var key in keys)
        {
            if (Info(key, tiers) is { } info)
                fresh[key.Id] = info;
        }

        lock (_gate)
        {
            _keys = fresh;
            foreach (var info in fresh.Values)
                AddNetworkLocked(info.ReporterId, info.Network);
            RebuildLocked(_clock.UtcNow);
        }
    }

    /// <summary>Adds one key (first seen by the key ring since its last reload).</summary>
    public void AddKey(ApiKey key, TierCatalog tiers)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Info(key, tiers) is not { } info)
            return;
        lock (_gate)
        {
            _keys = new Dictionary<long, KeyInfo>(_keys) { [key.Id] = info };
            AddNetworkLocked(info.ReporterId, info.Network);
            RebuildLocked(_clock.UtcNow);
        }
    }

    /// <summary>The network group key of a caller address: its /24 (IPv4) or /48 (IPv6); null for none.</summary>
    public static string? NetworkOf(string? address)
    {
        if (address is null || !IPAddress.TryParse(address, out var ip))
            return null;
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out var length);
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return new IPAddress(bytes[..4]) + "/24";
        }

        bytes[6..length].Clear();
        return new IPAddress(bytes[..16]) + "/48";
    }

    /// <summary>Notes that a key was used from <paramref name="callerAddress"/> (its reports arrive from that network).
    /// Cheap when the pair is known; a new pair regroups reporters at once and is queued for the store.</summary>
    public void NoteCaller(long keyId, string? callerAddress)
    {
        // Only grouped reporters (Network != 0) are tracked: the common case, an operator key, costs one lookup.
        if (!_resolved.TryGetValue(keyId, out var resolved) || resolved.Network == 0 || NetworkOf(callerAddress) is not { } network)
            return;
        lock (_gate)
        {
            if (_networks.TryGetValue(resolved.ReporterId, out var known) && known.Contains(network))
                return;
            if (AddNetworkLocked(resolved.ReporterId, network))
            {
                _pendingNetworks.Enqueue((resolved.ReporterId, network));
                RebuildLocked(_clock.UtcNow);
            }
        }
    }

    /// <summary>Networks noted since the last call, to store.</summary>
    public IReadOnlyList<(long ReporterId, string Network)> TakePendingNetworks()
    {
        var taken = new List<(long, string)>();
        while (_pendingNetworks.TryDequeue(out var pair))
            taken.Add(pair);
        return taken;
    }

    /// <summary>Adds networks loaded from the store (at start and from other nodes).</summary>
    public void LoadNetworks(IEnumerable<(long ReporterId, string Network)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        lock (_gate)
        {
            var changed = false;
            foreach (var (reporter, network) in pairs)
                changed |= AddNetworkLocked(reporter, network);
            if (changed)
                RebuildLocked(_clock.UtcNow);
        }
    }

    /// <summary>Counts withdrawn reports of a key (clear-address, positive feedback) against its reporter's reliability.</summary>
    public void NoteWithdrawal(long keyId, long reports)
    {
        if (reports <= 0)
            return;
        var reporter = ReporterOf(keyId);
        lock (_gate)
            _withdrawn[reporter] = _withdrawn.GetValueOrDefault(reporter) + reports;
    }

    /// <summary>True while the records are those a snapshot carried (restored at start-up, not yet recomputed here).</summary>
    public bool RecordsRestored { get; private set; }

    /// <summary>Every reporter's record as of the last <see cref="Recompute"/>, as scoring uses them now (what a snapshot
    /// keeps, so a restart serves the same standings without recomputing them over the index first).</summary>
    public IReadOnlyDictionary<long, ReporterRecord> ExportRecords()
    {
        lock (_gate)
        {
            return new Dictionary<long, ReporterRecord>(_records);
        }
    }

    /// <summary>Takes the records a snapshot carried (at start-up, instead of a <see cref="Recompute"/> over the index).</summary>
    public void RestoreRecords(IReadOnlyDictionary<long, ReporterRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        lock (_gate)
        {
            _records = new Dictionary<long, ReporterRecord>(records);
            RecordsRestored = true;
            RebuildLocked(_clock.UtcNow);
        }
    }

    /// <summary>The record of a reporter as of the last <see cref="Recompute"/>.</summary>
    public ReporterRecord RecordOf(long reporterId)
    {
        lock (_gate)
            return _records.GetValueOrDefault(reporterId);
    }

    /// <summary>
    /// Recomputes every reporter's record from the evidence in the index: an address a reporter reported is corroborated
    /// when a sensor, or another reporter that is not provisional and not in its network group, reported it within
    /// <see cref="TrustOptions.CorroborationWindow"/> of it; uncorroborated when the window has passed without that;
    /// withdrawn reports and addresses now whitelisted count against it. Then trust is recomputed.
    /// </summary>
    public void Recompute(ReputationIndex index, WhitelistProvider? whitelist, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(index);
        var resolved = _resolved;
        var window = _options.CorroborationWindow;
        var counts = new Dictionary<long, (long C, long U, long D)>();
        var spans = new Dictionary<long, (DateTimeOffset First, DateTimeOffset Last, bool Sensor, long Network, bool Provisional)>();
        foreach (var entry in index.Addresses)
        {
            spans.Clear();
            lock (entry.Gate)
            {
                foreach (var fact in entry.Facts)
                {
                    if (fact.Source == ReportSource.Feed)
                        continue;
                    var r = resolved.TryGetValue(fact.KeyId, out var known) ? known : new Resolved(fact.KeyId, fact.Trust, 0, false);
                    spans[r.ReporterId] = spans.TryGetValue(r.ReporterId, out var s)
                        ? (fact.At < s.First ? fact.At : s.First, fact.At > s.Last ? fact.At : s.Last, s.Sensor || fact.Kind == ReporterKind.Sensor, s.Network, s.Provisional)
                        : (fact.At, fact.At, fact.Kind == ReporterKind.Sensor, r.Network, r.Provisional);
                }
            }

            // Index keys are canonical already: a plain parse (this runs for every address, at start-up too).
            var disputed = whitelist is not null && System.Net.IPAddress.TryParse(entry.Address, out var parsed) &&
                whitelist.Current.Match(parsed, now) is { } listed && listed.Multiplier <= _options.DisputedMultiplier;
            foreach (var (reporter, span) in spans)
            {
                var corroborated = false;
                foreach (var (other, o) in spans)
                {
                    if (other == reporter || (o.Network != 0 && o.Network == span.Network) || (o.Provisional && !o.Sensor))
                        continue;
                    if (o.First <= span.Last + window && o.Last >= span.First - window)
                    {
                        corroborated = true;
                        break;
                    }
                }

                var (c, u, d) = counts.GetValueOrDefault(reporter);
                if (disputed)
                    d++;
                else if (corroborated)
                    c++;
                else if (now - span.Last > window)
                    u++;
                counts[reporter] = (c, u, d);
            }
        }

        lock (_gate)
        {
            var records = new Dictionary<long, ReporterRecord>(counts.Count);
            foreach (var (reporter, (c, u, d)) in counts)
                records[reporter] = new ReporterRecord(c, u, d + _withdrawn.GetValueOrDefault(reporter));
            foreach (var (reporter, withdrawn) in _withdrawn)
            {
                if (!records.ContainsKey(reporter))
                    records[reporter] = new ReporterRecord(0, 0, withdrawn);
            }

            _records = records;
            RecordsRestored = false;
            RebuildLocked(_clock.UtcNow);
        }
    }

    private bool AddNetworkLocked(long reporterId, string? network)
    {
        if (network is null)
            return false;
        if (!_networks.TryGetValue(reporterId, out var set))
            _networks[reporterId] = set = new HashSet<string>(StringComparer.Ordinal);
        return set.Count < MaxNetworksPerReporter && set.Add(network);
    }

    private static KeyInfo? Info(ApiKey key, TierCatalog tiers)
    {
        if (!tiers.TryGet(key.TierId, out var tier))
            return null;
        var reporterId = key.ReporterId != 0 ? key.ReporterId : key.Id;
        return new KeyInfo(key.Id, reporterId, key.SelfService, tier.Trust, tier.ReporterKind, tier.Vouched, key.SelfService || tier.GroupByNetwork,
            key.CreatedAt, key.Network);
    }

    /// <summary>Recomputes every key's resolution: groups (reporters sharing a network, union-find) and trust.</summary>
    private void RebuildLocked(DateTimeOffset now)
    {
        // Reporters that are grouped by network, and when each reporter came to be (its oldest key).
        var grouped = new HashSet<long>();
        var since = new Dictionary<long, DateTimeOffset>();
        var selfService = new HashSet<long>();
        foreach (var info in _keys.Values)
        {
            if (info.Grouped)
                grouped.Add(info.ReporterId);
            if (info.SelfService)
                selfService.Add(info.ReporterId);
            since[info.ReporterId] = since.TryGetValue(info.ReporterId, out var at) && at < info.CreatedAt ? at : info.CreatedAt;
        }

        // Union-find over grouped reporters sharing any network; a group is named by its smallest reporter id.
        var parent = new Dictionary<long, long>();
        long Find(long x)
        {
            while (parent.TryGetValue(x, out var p) && p != x)
            {
                var grand = parent.GetValueOrDefault(p, p);
                parent[x] = grand;
                x = grand;
            }

            return x;
        }

        var firstByNetwork = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var reporter in grouped)
        {
            parent.TryAdd(reporter, reporter);
            if (!_networks.TryGetValue(reporter, out var networks))
                continue;
            foreach (var network in networks)
            {
                if (firstByNetwork.TryGetValue(network, out var other))
                {
                    var (a, b) = (Find(reporter), Find(other));
                    if (a != b)
                        parent[Math.Max(a, b)] = Math.Min(a, b);
                }
                else
                {
                    firstByNetwork[network] = reporter;
                }
            }
        }

        var resolved = new Dictionary<long, Resolved>(_keys.Count);
        foreach (var info in _keys.Values)
        {
            var record = _records.GetValueOrDefault(info.ReporterId);
            var reporterSelfService = selfService.Contains(info.ReporterId);
            var trust = ReporterTrust.Compute(info.Kind, info.TierTrust, now - since[info.ReporterId], record, reporterSelfService, info.Vouched);
            var group = grouped.Contains(info.ReporterId) ? Find(info.ReporterId) : 0;
            resolved[info.KeyId] = new Resolved(info.ReporterId, trust, group, ReporterTrust.IsProvisional(reporterSelfService, record));
        }

        var previous = _resolved;
        if (previous.Count == resolved.Count && resolved.All(p => previous.TryGetValue(p.Key, out var was) && was == p.Value))
        {
            return;
        }

        _resolved = resolved;
        Interlocked.Increment(ref _version);
    }
}
