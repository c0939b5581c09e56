namespace Palisade.Server.Native.Contracts;

/// <summary>One listed address as SikkerAPI's client decodes it (epoch-ms <c>lastSeen</c>, string <c>asn</c>), plus its
/// expiry. Full lists are written field for field in this shape by <see cref="BlacklistApi"/> without materialising it.</summary>
public sealed record BlacklistItem(
    string Ip,
    int ConfidenceLevel,
    long LastSeen,
    int Sessions,
    IReadOnlyList<string> Protocols,
    string? CountryCode,
    string? Asn,
    string? AsnOrg,
    long ExpiresAt);
