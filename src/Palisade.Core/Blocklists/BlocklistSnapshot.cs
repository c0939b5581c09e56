namespace Palisade.Core.Blocklists;

/// <summary>
/// Every scored address at one data version, immutable: entries live at stable slots (<see cref="BlocklistEngine"/>
/// keeps an address in the same slot while it exists), in pages of <see cref="PageSize"/> entries, and two rankings order
/// them by score and by raw score, highest first. A rebuild copies only the pages and ranking pages it changes; the
/// rest is shared with the previous snapshot, which stays valid for whoever still reads it.
/// </summary>
public sealed class BlocklistSnapshot
{
    internal const int PageBits = 10;
    internal const int PageSize = 1 << PageBits;
    private const int PageMask = PageSize - 1;

    /// <summary>Slots per region: rendered lists are cached in pieces per (score, region), and a region's stamp says
    /// when any entry in it last changed, so a new report re-renders the pieces of one region only.</summary>
    internal const int RegionBits = 14;

    private readonly BlocklistEntry[][] _pages;
    private RankIndex? _byRawScore;

    internal BlocklistSnapshot(long generation, long dataVersion, DateTimeOffset generatedAt, BlocklistEntry[][] pages, int slotLimit,
        RankIndex byScore, RankIndex? byRawScore, long[] regionStamps)
    {
        RegionStamps = regionStamps;
        Generation = generation;
        DataVersion = dataVersion;
        GeneratedAt = generatedAt;
        _pages = pages;
        SlotLimit = slotLimit;
        ByScore = byScore;
        _byRawScore = byRawScore;
    }

    /// <summary>Increases by one per rebuild, within one server process.</summary>
    public long Generation { get; }

    /// <summary>The <c>ReputationIndex.Version</c> this snapshot was built from.</summary>
    public long DataVersion { get; }

    public DateTimeOffset GeneratedAt { get; }

    /// <summary>Addresses in the snapshot (every score, including 0).</summary>
    public int Count => ByScore.Order.Count;

    internal RankIndex ByScore { get; }

    /// <summary>Ranking by raw score; built on first use (only <c>ignoreWhitelist</c> queries need it), then kept up to
    /// date by later rebuilds.</summary>
    internal RankIndex ByRawScore => _byRawScore ??= RankIndex.Build(_pages, SlotLimit, raw: true);

    internal RankIndex? ByRawScoreIfBuilt => _byRawScore;

    /// <summary>Slots below this may be in use (an entry with a null address is a free slot).</summary>
    internal int SlotLimit { get; }

    internal BlocklistEntry[][] Pages => _pages;

    /// <summary>Per region of <see cref="RegionBits"/> slots, the generation that last changed an entry in it (never
    /// reused, so equal stamps mean equal entries).</summary>
    internal long[] RegionStamps { get; }

    internal long RegionStamp(int region) => region < RegionStamps.Length ? RegionStamps[region] : -1;

    internal ref readonly BlocklistEntry At(int slot) => ref _pages[slot >> PageBits][slot & PageMask];

    /// <summary>Every entry, highest score first.</summary>
    public IEnumerable<BlocklistEntry> Entries
    {
        get
        {
            var order = ByScore.Order;
            for (var i = 0; i < order.Count; i++)
            {
                yield return At(order[i]);
            }
        }
    }
}
