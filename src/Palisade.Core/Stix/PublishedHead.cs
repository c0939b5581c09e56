using Palisade.Core.Scoring;

namespace Palisade.Core.Stix;

/// <summary>
/// An <see cref="IndicatorHead"/> without what can be derived: the address is the dictionary key, the object id
/// comes from the address and <see cref="Generation"/>, the band from <see cref="Confidence"/>, <c>valid_from</c> is
/// <see cref="Created"/> (the publisher has always written them equal). Packed (40 bytes; one per listed address, ten
/// million at community scale): the label and technique lists as one shared <see cref="HeadTexts"/>, the confidence
/// (0–100) as a byte, the two flags as bits.
/// </summary>
internal readonly record struct PublishedHead
{
    private const byte RevokedBit = 1;
    private const byte HighConfidenceBit = 2;
    private readonly byte _confidence;
    private readonly byte _flags;

    public PublishedHead(int generation, long created, long modified, long validUntil, int confidence, HeadTexts texts, bool revoked, bool inHighConfidence)
    {
        Generation = generation;
        Created = created;
        Modified = modified;
        ValidUntil = validUntil;
        Texts = texts;
        _confidence = checked((byte)confidence);
        _flags = (byte)((revoked ? RevokedBit : 0) | (inHighConfidence ? HighConfidenceBit : 0));
    }

    public int Generation { get; init; }

    public long Created { get; init; }

    public long Modified { get; init; }

    public long ValidUntil { get; init; }

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

    public static PublishedHead Of(in StoredIndicatorHead head, HeadTexts texts)
        => new(head.Generation, head.Created, head.Modified, head.ValidUntil, head.Confidence, texts, head.Revoked, head.InHighConfidence);

    public IndicatorHead ToIndicator(string address)
        => new(address, StixIdentifiers.Indicator(address, Generation), Generation, Created, Modified, Created, ValidUntil, Band, Confidence,
            Texts.Labels, Texts.Techniques, Revoked, InHighConfidence);
}

/// <summary>An indicator's label and technique lists (newline-joined), one instance per distinct pair.</summary>
internal sealed record HeadTexts(string Labels, string Techniques);
