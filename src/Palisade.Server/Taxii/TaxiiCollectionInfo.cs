using Palisade.Core.Stix;

namespace Palisade.Server.Taxii;

/// <summary>A published collection: its stable UUID, alias and titles.</summary>
public sealed record TaxiiCollectionInfo(StixCollection Collection, string Id, string Alias, string Title, string Description);
