using System.Diagnostics.CodeAnalysis;

namespace Palisade.Core.Geo;

/// <summary>
/// ISO 3166-1 alpha-2 countries with English names and continents, from the countries-list package (MIT), embedded.
/// Also knows the obsolete "AN" (Netherlands Antilles) that the geo data still uses.
/// </summary>
public static class CountryCatalog
{
    private static readonly Dictionary<string, string> Continents = new(StringComparer.Ordinal)
    {
        ["AF"] = "Africa",
        ["AN"] = "Antarctica",
        ["AS"] = "Asia",
        ["EU"] = "Europe",
        ["NA"] = "North America",
        ["OC"] = "Oceania",
        ["SA"] = "South America",
    };

    private static readonly Dictionary<string, Country> ByCode = Load();

    public static IReadOnlyCollection<Country> All => ByCode.Values;

    /// <summary>Finds a country by code, case-insensitively; the returned record's strings are shared.</summary>
    public static bool TryGet(string? code, [NotNullWhen(true)] out Country? country)
    {
        country = null;
        if (code is not { Length: 2 })
        {
            return false;
        }

        if (ByCode.TryGetValue(code, out country))
        {
            return true;
        }

        return ByCode.TryGetValue(code.ToUpperInvariant(), out country);
    }

    private static Dictionary<string, Country> Load()
    {
        using var stream = typeof(CountryCatalog).Assembly.GetManifestResourceStream("Palisade.Geo/countries.tsv")
            ?? throw new InvalidOperationException("The embedded country table is missing.");
        using var reader = new StreamReader(stream);
        var countries = new Dictionary<string, Country>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split('\t');
            countries[parts[0]] = new Country(parts[0], parts[1], parts[2], ContinentName(parts[2]) ?? parts[2]);
        }

        return countries;
    }

    /// <summary>The name of a continent code (AF, AN, AS, EU, NA, OC, SA), or null.</summary>
    public static string? ContinentName(string? code) => code is not null && Continents.TryGetValue(code, out var name) ? name : null;
}
