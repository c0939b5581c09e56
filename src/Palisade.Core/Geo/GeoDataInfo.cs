namespace Palisade.Core.Geo;

/// <summary>The loaded geo data: one entry per database (country, ASN), empty when none is installed.</summary>
public sealed record GeoDataInfo(string? Directory, IReadOnlyList<GeoSourceInfo> Sources)
{
    public static readonly GeoDataInfo None = new(null, []);

    /// <summary>The oldest build date of the loaded databases: how stale the answers can be.</summary>
    public DateTimeOffset? BuildDate => Sources.Count == 0 ? null : Sources.Min(s => s.BuildDate);
}
