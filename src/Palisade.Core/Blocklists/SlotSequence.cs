namespace Palisade.Core.Blocklists;

/// <summary>
/// A list of slot numbers in pages of <see cref="PageSize"/> (4 KiB each, well below the large-object heap), dense
/// (every page full but the last), so position <c>i</c> is <c>Pages[i / PageSize][i % PageSize]</c>. Written once by the
/// engine, then read-only. Pages are shared between generations: a rebuild that changes the ranking from position p on
/// keeps every page before p, so one new report costs kilobytes, not a new million-element array.
/// </summary>
internal sealed class SlotSequence
{
    public const int PageBits = 10;
    public const int PageSize = 1 << PageBits;
    private const int PageMask = PageSize - 1;

    private readonly List<int[]> _pages;

    public SlotSequence()
        : this(0)
    {
    }

    private SlotSequence(int pageCapacity) => _pages = new List<int[]>(pageCapacity);

    public static SlotSequence Empty { get; } = new();

    public int Count { get; private set; }

    public int this[int index] => _pages[index >> PageBits][index & PageMask];

    /// <summary>A sequence of <paramref name="count"/> zeros, to be filled with <see cref="Set"/>.</summary>
    public static SlotSequence Allocate(int count)
    {
        var sequence = new SlotSequence((count >> PageBits) + 1);
        for (var left = count; left > 0; left -= PageSize)
        {
            sequence._pages.Add(new int[PageSize]);
        }

        sequence.Count = count;
        return sequence;
    }

    /// <summary>A new sequence starting with the first <paramref name="length"/> elements of <paramref name="source"/>,
    /// sharing its full pages.</summary>
    public static SlotSequence Prefix(SlotSequence source, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, source.Count);
        var sequence = new SlotSequence(source._pages.Count + 1);
        var full = length >> PageBits;
        for (var p = 0; p < full; p++)
        {
            sequence._pages.Add(source._pages[p]);
        }

        sequence.Count = full << PageBits;
        var rest = length & PageMask;
        if (rest > 0)
        {
            var page = new int[PageSize];
            Array.Copy(source._pages[full], page, rest);
            sequence._pages.Add(page);
            sequence.Count += rest;
        }

        return sequence;
    }

    public void Set(int index, int slot) => _pages[index >> PageBits][index & PageMask] = slot;

    public void Add(int slot)
    {
        var offset = Count & PageMask;
        if (offset == 0 && (Count >> PageBits) == _pages.Count)
        {
            _pages.Add(new int[PageSize]);
        }

        _pages[Count >> PageBits][offset] = slot;
        Count++;
    }

    /// <summary>Appends <paramref name="source"/>[from..to), page by page.</summary>
    public void AddRange(SlotSequence source, int from, int to)
    {
        while (from < to)
        {
            var sourcePage = source._pages[from >> PageBits];
            var sourceOffset = from & PageMask;
            var offset = Count & PageMask;
            if (offset == 0 && (Count >> PageBits) == _pages.Count)
            {
                _pages.Add(new int[PageSize]);
            }

            var n = Math.Min(to - from, Math.Min(PageSize - sourceOffset, PageSize - offset));
            Array.Copy(sourcePage, sourceOffset, _pages[Count >> PageBits], offset, n);
            Count += n;
            from += n;
        }
    }
}
