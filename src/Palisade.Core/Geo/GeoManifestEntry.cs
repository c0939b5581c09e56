namespace Palisade.Core.Geo;

/// <summary>One installed database as recorded in <see cref="GeoDataFiles.Manifest"/>: where it came from and under
/// which licence, so status and attribution can say so.</summary>
public sealed record GeoManifestEntry(string Kind, string Format, IReadOnlyList<string> Files, string Origin, string License, DateTimeOffset? BuildDate, DateTimeOffset InstalledAt);
