namespace Palisade.Server.Native.Contracts;

/// <summary>Geolocation as SikkerAPI's client decodes it; <c>asn</c> is a number in a string.</summary>
public sealed record NativeGeolocation(string? CountryCode, string? CountryName, string? City, string? Asn, string? AsnOrg, bool IsTor, bool IsProxy);
