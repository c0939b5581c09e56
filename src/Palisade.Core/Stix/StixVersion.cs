namespace Palisade.Core.Stix;

/// <summary>
/// One version of one STIX object in one collection, as the TAXII server serves it. <see cref="DateAdded"/> (Unix µs)
/// is unique and increasing per collection; <see cref="Modified"/> (Unix ms) is the STIX <c>modified</c> (or
/// <c>created</c> for unversioned objects). An indicator version carries its <see cref="Indicator"/> state and its JSON
/// is rendered from it when read, so the log stores a few fields instead of the text; other objects (and versions
/// written before that) carry their <see cref="StoredBody"/>.
/// </summary>
public sealed record StixVersion(
    StixCollection Collection,
    long DateAdded,
    string ObjectId,
    string ObjectType,
    long Modified,
    bool IsFirst,
    string? StoredBody,
    IndicatorHead? Indicator = null)
{
    /// <summary>The object's JSON: the stored text when there is one, else rendered from <see cref="Indicator"/>.</summary>
    public string Body => StoredBody ?? StixObjects.Indicator(Indicator ?? throw new InvalidOperationException($"Version {DateAdded} of {ObjectId} has neither a body nor indicator fields."));

    /// <summary>A version of an indicator, stored as its fields.</summary>
    public static StixVersion Of(StixCollection collection, long dateAdded, IndicatorHead indicator, bool isFirst)
        => new(collection, dateAdded, indicator.ObjectId, "indicator", indicator.Modified, isFirst, null, indicator);
}
