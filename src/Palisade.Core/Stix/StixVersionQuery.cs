namespace Palisade.Core.Stix;

/// <summary>
/// A page of versions in one collection, ascending by <c>date_added</c>: those added strictly after
/// <see cref="AddedAfter"/> (Unix µs; null = from the start), optionally only some ids and types, skipping
/// <see cref="Offset"/> and returning at most <see cref="Limit"/>.
/// </summary>
public sealed record StixVersionQuery(StixCollection Collection, long? AddedAfter, int Limit)
{
    public IReadOnlyList<string>? Ids { get; init; }

    public IReadOnlyList<string>? Types { get; init; }

    public VersionSelection Versions { get; init; } = VersionSelection.LastOnly;

    public int Offset { get; init; }
}
