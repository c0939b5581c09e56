using Palisade.Core.Stix;

namespace Palisade.Server.Taxii;

/// <summary>A parsed, validated paged request: the store query (asking one more row than <see cref="Limit"/> to learn
/// whether more follow), the filters to sign into the next cursor, and whether the filters exclude everything.</summary>
public sealed record TaxiiPageRequest(StixVersionQuery Query, int Limit, IReadOnlyDictionary<string, string> Filters, bool MatchesNothing);
