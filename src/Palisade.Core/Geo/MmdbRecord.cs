namespace Palisade.Core.Geo;

/// <summary>The fields Palisade reads from a MaxMind-format record, whichever schema the file uses.</summary>
internal sealed record MmdbRecord(string? CountryCode, string? ContinentCode, uint? Asn, string? AsName, string? AsDomain)
{
    public static readonly MmdbRecord Empty = new(null, null, null, null, null);

    /// <summary>Reads the schemas in use: ip-location-db (<c>country_code</c>), GeoLite2 / DB-IP (<c>country.iso_code</c>,
    /// <c>continent.code</c>, <c>autonomous_system_number</c>/<c>_organization</c>) and IPinfo Lite (<c>asn</c> "AS…",
    /// <c>as_name</c>, <c>as_domain</c>, <c>continent_code</c>).</summary>
    public static MmdbRecord From(IReadOnlyDictionary<string, object>? data)
    {
        if (data is null)
        {
            return Empty;
        }

        var country = Text(data, "country_code") ?? Nested(data, "country", "iso_code") ?? Nested(data, "registered_country", "iso_code");
        var continent = Text(data, "continent_code") ?? Nested(data, "continent", "code");
        uint? asn = null;
        if (data.TryGetValue("autonomous_system_number", out var number))
        {
            asn = number switch
            {
                long l when l is > 0 and <= uint.MaxValue => (uint)l,
                int i when i > 0 => (uint)i,
                uint u when u > 0 => u,
                ulong ul when ul is > 0 and <= uint.MaxValue => (uint)ul,
                System.Numerics.BigInteger b when b > 0 && b <= uint.MaxValue => (uint)b,
                _ => null,
            };
        }
        else if (Text(data, "asn") is { } label && uint.TryParse(label.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? label[2..] : label,
                     System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed > 0)
        {
            asn = parsed;
        }

        var asName = Text(data, "autonomous_system_organization") ?? Text(data, "as_name");
        return new MmdbRecord(country is { Length: 2 } ? string.Intern(country.ToUpperInvariant()) : null,
            continent is { Length: 2 } ? string.Intern(continent.ToUpperInvariant()) : null,
            asn, asName, Text(data, "as_domain"));
    }

    private static string? Text(IReadOnlyDictionary<string, object> data, string key)
        => data.TryGetValue(key, out var value) && value is string { Length: > 0 } text ? text : null;

    private static string? Nested(IReadOnlyDictionary<string, object> data, string key, string inner)
        => data.TryGetValue(key, out var value) && value is IReadOnlyDictionary<string, object> map ? Text(map, inner)
            : data.TryGetValue(key, out value) && value is IDictionary<string, object> dictionary && dictionary.TryGetValue(inner, out var v) && v is string { Length: > 0 } s ? s
            : null;
}
