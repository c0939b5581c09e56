namespace Palisade.Core.Geo;

/// <summary>One loaded database: what it provides (country or asn), the file, its format and build date.</summary>
public sealed record GeoSourceInfo(string Kind, string File, string Format, DateTimeOffset? BuildDate, string? Description, long Entries);
