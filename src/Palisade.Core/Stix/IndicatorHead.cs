namespace Palisade.Core.Stix;

/// <summary>
/// The latest published version of an address's indicator: what consumers currently see, kept so the publisher can
/// tell whether anything they would notice changed. <see cref="Labels"/> and <see cref="Techniques"/> are
/// newline-joined in publication order. Times are Unix milliseconds.
/// </summary>
public sealed record IndicatorHead(
    string Address,
    string ObjectId,
    int Generation,
    long Created,
    long Modified,
    long ValidFrom,
    long ValidUntil,
    int Band,
    int Confidence,
    string Labels,
    string Techniques,
    bool Revoked,
    bool InHighConfidence);

/// <summary>
/// One stored head as <c>ITaxiiStore.LoadHeadsAsync</c> streams it: an <see cref="IndicatorHead"/> without what the
/// publisher derives (the object id from the address and generation, the band from the confidence, <c>valid_from</c>,
/// always equal to <see cref="Created"/>). A struct, so loading ten million of them allocates no object per head beyond
/// the address text.
/// </summary>
public readonly record struct StoredIndicatorHead(
    string Address,
    int Generation,
    long Created,
    long Modified,
    long ValidUntil,
    int Confidence,
    string Labels,
    string Techniques,
    bool Revoked,
    bool InHighConfidence);
