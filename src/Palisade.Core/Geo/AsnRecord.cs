namespace Palisade.Core.Geo;

/// <summary>An autonomous system as the ASN data names it.</summary>
internal sealed record AsnRecord(uint Asn, string? Name);
