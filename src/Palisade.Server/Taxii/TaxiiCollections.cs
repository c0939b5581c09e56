using Palisade.Core.Stix;

namespace Palisade.Server.Taxii;

/// <summary>
/// The two read-only collections. Ids are UUIDv5 in Palisade's namespace, so they are the same on every server and
/// after every restart. The main collection's alias is SikkerAPI's (<c>sikker-threat-intel</c>), which its CLI uses
/// by default.
/// </summary>
public static class TaxiiCollections
{
    public const string SikkerAlias = "sikker-threat-intel";

    public static TaxiiCollectionInfo AllAddresses { get; } = new(StixCollection.All, StixIdentifiers.Collection("all"), SikkerAlias,
        "Palisade: every scored address",
        "One STIX 2.1 indicator per address Palisade currently scores, with its confidence (the score), behaviours and ATT&CK techniques.");

    public static TaxiiCollectionInfo HighConfidence { get; } = new(StixCollection.HighConfidence, StixIdentifiers.Collection("high-confidence"),
        "high-confidence", "Palisade: high-confidence addresses",
        $"Addresses that scored {ScoreBand.HighConfidenceThreshold} or more (and the later versions of those indicators, so a downgrade or revocation reaches you).");

    public static IReadOnlyList<TaxiiCollectionInfo> All { get; } = [AllAddresses, HighConfidence];

    /// <summary>Finds a collection by id (case-insensitive) or alias.</summary>
    public static TaxiiCollectionInfo? Resolve(string idOrAlias)
    {
        foreach (var collection in All)
        {
            if (string.Equals(collection.Id, idOrAlias, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(collection.Alias, idOrAlias, StringComparison.Ordinal))
            {
                return collection;
            }
        }

        return null;
    }
}
