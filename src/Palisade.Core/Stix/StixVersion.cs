namespace Palisade.Core.Stix;

/// <summary>
/// One version of one STIX object in one collection, as the TAXII server serves it. <see cref="DateAdded"/> (Unix µs)
/// is unique and increasing per collection; <see cref="Modified"/> (Unix ms) is the STIX <c>modified</c> (or
/// <c>created</c> for unversioned objects); <see cref="Body"/> is the object's JSON.
/// </summary>
public sealed record StixVersion(
    StixCollection Collection,
    long DateAdded,
    string ObjectId,
    string ObjectType,
    long Modified,
    bool IsFirst,
    string Body);
