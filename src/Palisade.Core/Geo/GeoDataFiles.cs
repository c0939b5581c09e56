using System.Text.Json;

namespace Palisade.Core.Geo;

/// <summary>
/// The layout of a geo data folder (by default <c>&lt;data&gt;/geo</c>): <c>country.mmdb</c> or
/// <c>country-*.csv</c>, <c>asn.mmdb</c> or <c>asn-*.csv</c>, the licence files of the data, and
/// <c>sources.json</c> saying where each came from.
/// </summary>
public static class GeoDataFiles
{
    public const string FolderName = "geo";
    public const string CountryMmdb = "country.mmdb";
    public const string AsnMmdb = "asn.mmdb";
    public const string Manifest = "sources.json";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string FolderOf(string dataDirectory) => Path.Combine(dataDirectory, FolderName);

    public static IReadOnlyList<string> CountryCsvFiles(string folder) => Csvs(folder, "country-");

    public static IReadOnlyList<string> AsnCsvFiles(string folder) => Csvs(folder, "asn-");

    public static IReadOnlyList<GeoManifestEntry> ReadManifest(string folder)
    {
        var path = Path.Combine(folder, Manifest);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<List<GeoManifestEntry>>(File.ReadAllText(path), JsonOptions) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Records <paramref name="entry"/>, replacing the previous entry of the same kind.</summary>
    public static void WriteManifestEntry(string folder, GeoManifestEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var entries = ReadManifest(folder).Where(e => e.Kind != entry.Kind).Append(entry).OrderBy(e => e.Kind, StringComparer.Ordinal).ToList();
        File.WriteAllText(Path.Combine(folder, Manifest), JsonSerializer.Serialize(entries, JsonOptions));
    }

    private static string[] Csvs(string folder, string prefix)
        => Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, prefix + "*.csv").Order(StringComparer.Ordinal)]
            : [];
}
