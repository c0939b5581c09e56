using Palisade.Core.Scoring;

namespace Palisade.Core.Stix;

/// <summary>
/// An <see cref="IndicatorHead"/> without what can be derived: the address is the entry's key, the object id comes from
/// the address and <see cref="Generation"/>, the band from <see cref="Confidence"/>, <c>valid_from</c> is
/// <see cref="Created"/> (the publisher has always written them equal). Packed into 32 bytes (one per listed address, ten
/// million at community scale): the label and technique lists as one shared <see cref="HeadTexts"/>, the confidence
/// (0–100) as a byte, the two flags as bits, and <see cref="Modified"/> and <see cref="ValidUntil"/> as 40-bit
/// millisecond offsets from <see cref="Created"/> (34 years; both are at or after it: a version is modified after the
/// object was created, and an indicator is listed only while valid).
/// </summary>
internal readonly record struct PublishedHead
{
    private const byte RevokedBit = 1;
    private const byte HighConfidenceBit = 2;
    private const long MaxOffset = (1L << 40) - 1;
    private readonly long _created;
    private readonly uint _modifiedLow;
    private readonly uint _validUntilLow;
    private readonly byte _modifiedHigh;
    private readonly byte _validUntilHigh;
    private readonly byte _confidence;
    private readonly byte _flags;

    public PublishedHead(int generation, long created, long modified, long validUntil, int confidence, HeadTexts texts, bool revoked, bool inHighConfidence)
    {
        Generation = generation;
        _created = created;
        Modified = modified;
        ValidUntil = validUntil;
        Texts = texts;
        _confidence = checked((byte)confidence);
        _flags = (byte)((revoked ? RevokedBit : 0) | (inHighConfidence ? HighConfidenceBit : 0));
    }

    public int Generation { get; init; }

    /// <summary>When the object (this generation) was first published, Unix milliseconds.</summary>
    public long Created => _created;

    /// <summary>The latest version's <c>modified</c>, Unix milliseconds.</summary>
    public long Modified
    {
        get => _created + (((long)_modifiedHigh << 32) | _modifiedLow);
        init => (_modifiedLow, _modifiedHigh) = Offset(value);
    }

    /// <summary>The latest version's <c>valid_until</c>, Unix milliseconds.</summary>
    public long ValidUntil
    {
        get => _created + (((long)_validUntilHigh << 32) | _validUntilLow);
        init => (_validUntilLow, _validUntilHigh) = Offset(value);
    }

    public HeadTexts Texts { get; init; }

    public int Confidence
    {
        get => _confidence;
        init => _confidence = checked((byte)value);
    }

    public bool Revoked
    {
        get => (_flags & RevokedBit) != 0;
        init => _flags = (byte)(value ? _flags | RevokedBit : _flags & ~RevokedBit);
    }

    public bool InHighConfidence
    {
        get => (_flags & HighConfidenceBit) != 0;
        init => _flags = (byte)(value ? _flags | HighConfidenceBit : _flags & ~HighConfidenceBit);
    }

    public int Band => ScoreBand.Of(Confidence);

    // A time as its offset from Created, held to the 40 bits there are (never outside them: see the summary).
    private (uint Low, byte High) Offset(long time)
    {
        var offset = Math.Clamp(time - _created, 0, MaxOffset);
        return ((uint)offset, (byte)(offset >> 32));
    }

    public static PublishedHead Of(in StoredIndicatorHead head, HeadTexts texts)
        => new(head.Generation, head.Created, head.Modified, head.ValidUntil, head.Confidence, texts, head.Revoked, head.InHighConfidence);

    public IndicatorHead ToIndicator(string address)
        => new(address, StixIdentifiers.Indicator(address, Generation), Generation, Created, Modified, Created, ValidUntil, Band, Confidence,
            Texts.Labels, Texts.Techniques, Revoked, InHighConfidence);
}

/// <summary>An indicator's label and technique lists (newline-joined), one instance per distinct pair.</summary>
internal sealed record HeadTexts(string Labels, string Techniques);
