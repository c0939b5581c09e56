namespace Palisade.Core.Stix;

/// <summary>TAXII <c>match[version]</c>: <c>all</c>, or any of <c>first</c>, <c>last</c> and exact <c>modified</c> times (Unix ms).</summary>
public sealed record VersionSelection(bool All, bool First, bool Last, IReadOnlyList<long> Modified)
{
    public static readonly VersionSelection LastOnly = new(false, false, true, []);

    public static readonly VersionSelection Every = new(true, false, false, []);
}
