namespace Palisade.Server.Taxii;

/// <summary>The paged TAXII endpoints, each with the filters TAXII 2.1 defines for it.</summary>
public sealed record TaxiiEndpoint(string Name, IReadOnlyList<string> Filters)
{
    public const string AddedAfter = "added_after";
    public const string MatchId = "match[id]";
    public const string MatchType = "match[type]";
    public const string MatchVersion = "match[version]";
    public const string MatchSpecVersion = "match[spec_version]";

    public static TaxiiEndpoint Objects { get; } = new("objects", [AddedAfter, MatchId, MatchType, MatchVersion, MatchSpecVersion]);

    public static TaxiiEndpoint Manifest { get; } = new("manifest", [AddedAfter, MatchId, MatchType, MatchVersion, MatchSpecVersion]);

    public static TaxiiEndpoint Object { get; } = new("object", [AddedAfter, MatchVersion, MatchSpecVersion]);

    public static TaxiiEndpoint Versions { get; } = new("versions", [AddedAfter, MatchSpecVersion]);
}
