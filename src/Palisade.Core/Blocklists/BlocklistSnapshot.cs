namespace Palisade.Core.Blocklists;

/// <summary>
/// Every scored address at one data version, immutable: entries live at stable slots (<see cref="BlocklistEngine"/>
/// keeps an address in the same slot while it exists) and two orders rank them by score and by raw score, highest first.
/// </summary>
public sealed class BlocklistSnapshot
{
    private readonly BlocklistEntry[] _slots;
    private int[]? _byRawScore;

    internal BlocklistSnapshot(long generation, long dataVersion, DateTimeOffset generatedAt, BlocklistEntry[] slots, int[] members, int[] byScore)
    {
        Generation = generation;
        DataVersion = dataVersion;
        GeneratedAt = generatedAt;
        _slots = slots;
        Members = members;
        ByScore = byScore;
        Count = members.Length;
    }

    /// <summary>Increases by one per rebuild, within one server process.</summary>
    public long Generation { get; }

    /// <summary>The <c>ReputationIndex.Version</c> this snapshot was built from.</summary>
    public long DataVersion { get; }

    public DateTimeOffset GeneratedAt { get; }

    /// <summary>Addresses in the snapshot (every score, including 0).</summary>
    public int Count { get; }

    internal int[] ByScore { get; }

    /// <summary>The slots in use.</summary>
    internal int[] Members { get; }

    internal BlocklistEntry[] Slots => _slots;

    internal ref readonly BlocklistEntry At(int slot) => ref _slots[slot];

    /// <summary>Slots ranked by raw score; built on first use (only <c>ignoreWhitelist</c> queries need it).</summary>
    internal int[] ByRawScore => _byRawScore ??= BlocklistEngine.RankSlots(_slots, ByScore, raw: true);

    /// <summary>Every entry, highest score first.</summary>
    public IEnumerable<BlocklistEntry> Entries
    {
        get
        {
            foreach (var slot in ByScore)
            {
                yield return _slots[slot];
            }
        }
    }
}
