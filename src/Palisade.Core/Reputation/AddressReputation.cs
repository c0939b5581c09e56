using Palisade.Core.Addresses;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;

namespace Palisade.Core.Reputation;

/// <summary>
/// Everything the engine keeps in memory about one address: the facts scoring and checks need, guarded by the entry
/// itself as lock. The store holds the reports durably (with their comments, read when a verbose answer shows them);
/// this is rebuilt from it on start. A million of these are held at community scale, so nothing is kept here that is
/// not needed on every address: explained answers are cached only for addresses that were checked.
/// </summary>
public sealed class AddressReputation(AddressKey key, int factCapacity = 1)
{
    /// <summary>An entry for <paramref name="address"/>, given in its canonical text.</summary>
    public AddressReputation(string address, int factCapacity = 1)
        : this(AddressKey.Parse(address), factCapacity)
    {
    }

    // The lock of this entry is the entry (a monitor costs nothing until contended; a lock object per address did).
    internal object Gate => this;

    internal FactList Facts = new(Math.Max(factCapacity, 1));

    // The newest of this address's receipts in its table's ReceiptSlab (ReceiptSlab.None when none): its reports received
    // within the duplicate window (ReportLimits.DuplicateWindow), all that duplicate detection compares with (32 bytes
    // each, in the slab, not in an array of its own per address). Dropped by the next report or purge once the window
    // has passed.
    internal int Receipts;

    // The explained score and the described check answer, for addresses that were checked (ReputationIndex.Score, Check).
    internal ExplainedCache? Explained;

    // The compact score (ReputationIndex.ScoreValue, for blocklists): two numbers instead of a breakdown per address.
    // Valid while CachedCompactWhitelistVersion is the whitelist's version; new evidence or a purge resets it to -1.
    internal CompactScore CachedCompact
    {
        get => new(_compactScore, _compactRawScore);
        set => (_compactScore, _compactRawScore) = ((byte)value.Score, (byte)value.RawScore); // scores are 0–100
    }

    private byte _compactScore;
    private byte _compactRawScore;

    // When the compact score was computed, in whole seconds since 1970 rounded down (so it is refreshed no later than
    // ScoreRefreshInterval after it was computed): 4 bytes instead of 8, which with the report count kept in FactList's
    // padding takes the entry from 152 to 144 bytes.
    private uint _cachedCompactAtSeconds;

    internal long CachedCompactAtTicks
    {
        get => DateTimeOffset.UnixEpoch.UtcTicks + (_cachedCompactAtSeconds * TimeSpan.TicksPerSecond);
        set => _cachedCompactAtSeconds = (uint)Math.Clamp((value - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerSecond, 0, uint.MaxValue);
    }

    // The low 32 bits of the inputs' version (ReputationIndex.InputsVersion) it was computed at: 4 bytes less per address;
    // a stale cache would pass only after exactly a multiple of 2^32 whitelist and reporter changes, and never past the
    // refresh interval when scores decay.
    internal int CachedCompactWhitelistVersion = -1;

    // The address's slot in the blocklist snapshots (BlocklistEngine), -1 until a build gives it one: a live lookup reads
    // the entry at that slot instead of searching a list. Written under the engine's build lock.
    internal int BlocklistSlot = -1;

    // Where the address's published TAXII indicator head is (Stix.IndicatorHeads, under its lock): 0 none, n > 0 at n - 1
    // in its dense array, -1 detached (the entry is being removed; the head went to the heads of removed addresses). 4
    // bytes that were padding: the entry stays 144 bytes, and a listed address's head costs its 32 bytes in that array
    // instead of a dictionary entry of 68.
    internal int HeadSlot;

    private long _firstSeenTicks = DateTimeOffset.MaxValue.UtcTicks;
    private long _lastSeenTicks = DateTimeOffset.MinValue.UtcTicks;

    // The address as two 64-bit fields rather than an AddressKey struct: the runtime lays a class's 8-byte fields out right
    // after its references and struct fields last, so the key sits beside Explained at the start of the entry, where a
    // check reads both (as a struct it was 120 bytes in, a cache line of its own: docs/performance.md "Session 28").
    private readonly ulong _keyHigh = key.High;
    private readonly ulong _keyLow = key.Low;

    /// <summary>The address as a 128-bit value: the index's key (no text is kept per address).</summary>
    public AddressKey Key => AddressKey.FromHalves(_keyHigh, _keyLow);

    /// <summary>The canonical address text, made anew on each call: hot paths use <see cref="Key"/>.</summary>
    public string Address => Key.ToString();

    public DateTimeOffset FirstSeen => new(_firstSeenTicks, TimeSpan.Zero);

    public DateTimeOffset LastSeen => new(_lastSeenTicks, TimeSpan.Zero);

    /// <summary>Reports received for this address that are still retained.</summary>
    /// <remarks>32 bits (each retained report also holds a fact in memory, so memory ends long before this count would),
    /// kept in <see cref="FactList.Reports"/>.</remarks>
    public long TotalReports
    {
        get => Volatile.Read(ref Facts.Reports);
        internal set => Volatile.Write(ref Facts.Reports, (int)Math.Min(value, int.MaxValue));
    }

    /// <summary>Adds a report's facts and its receipt to <paramref name="receipts"/> when it arrived within the duplicate
    /// window. <paramref name="recentFrom"/>: reports received before it are past the duplicate window.</summary>
    internal void Add(StoredReport report, string? protocol, DateTimeOffset recentFrom, ReceiptSlab receipts)
    {
        foreach (var category in report.Categories)
        {
            Facts.Add(new ReportFact(report.Id, report.KeyId, report.Kind, report.Trust, category, protocol, report.Port,
                report.Username, report.ReportedAt, report.Source, report.Email));
        }

        TotalReports++;
        var at = report.ReportedAt.UtcTicks;
        _firstSeenTicks = Math.Min(_firstSeenTicks, at);
        _lastSeenTicks = Math.Max(_lastSeenTicks, at);

        var from = recentFrom.UtcTicks;
        receipts.Prune(ref Receipts, from);
        if (report.ReceivedAt.UtcTicks >= from)
        {
            receipts.Push(ref Receipts, new Receipt(report.Id, report.KeyId, report.ReceivedAt.UtcTicks, Receipt.Bits(report.Categories)));
        }

        Invalidate();
    }

    /// <summary>Sets what <see cref="Add"/> would have accumulated (an index snapshot being read back).</summary>
    internal void Restore(long totalReports, long firstSeenTicks, long lastSeenTicks)
    {
        TotalReports = totalReports;
        _firstSeenTicks = firstSeenTicks;
        _lastSeenTicks = lastSeenTicks;
    }

    internal long FirstSeenTicks => _firstSeenTicks;

    internal long LastSeenTicks => _lastSeenTicks;

    /// <summary>Drops every cached score and answer (new evidence, a purge).</summary>
    internal void Invalidate()
    {
        if (Explained is { } explained)
        {
            explained.Score = null;
        }

        CachedCompactWhitelistVersion = -1;
    }

    /// <summary>Recounts the retained reports from the facts (after a purge thinned them).</summary>
    internal void RecountReports()
    {
        var ids = new HashSet<long>();
        foreach (var fact in Facts)
        {
            ids.Add(fact.ReportId);
        }

        TotalReports = ids.Count;
    }

    /// <summary>A report as duplicate detection sees it: who, when it arrived, which categories (as bits).</summary>
    internal readonly record struct Receipt(long ReportId, long KeyId, long ReceivedAtTicks, ushort Categories)
    {
        // Category ids are small (1–16): each folds into one of 16 bits (id & 15), so the catalog's ids stay apart and two
        // reports never share a category unseen (a larger id shares a bit: at worst a report counts as a duplicate).
        public static ushort Bits(IReadOnlyList<int> categories)
        {
            var bits = 0;
            foreach (var id in categories)
            {
                bits |= 1 << (id & 15);
            }

            return (ushort)bits;
        }

        /// <summary>Category bits as snapshots before session 27 kept them (bit id &amp; 63), folded as <see cref="Bits"/>
        /// folds; bits already folded stay as they are.</summary>
        public static ushort Fold(ulong bits)
        {
            var folded = 0;
            for (; bits != 0; bits &= bits - 1)
            {
                folded |= 1 << (System.Numerics.BitOperations.TrailingZeroCount(bits) & 15);
            }

            return (ushort)folded;
        }
    }

    /// <summary>The explained score and described answer of a checked address, valid for the versions they carry.</summary>
    internal sealed class ExplainedCache
    {
        public ScoreBreakdown? Score;
        public long ScoreAtTicks;
        public long ScoreVersion = -1;
        public CheckResult? Check;
        public long CheckVersion = -1;
    }
}
