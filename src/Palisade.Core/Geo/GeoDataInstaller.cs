using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using Palisade.Core.IO;

namespace Palisade.Core.Geo;

/// <summary>
/// Puts geo data into a folder: <see cref="InstallPackagesAsync"/> installs the permissively licensed ip-location-db
/// packages at a pinned version once fetched (checking their SHA-256), <see cref="Import"/> takes any MaxMind-format
/// file or ip-location-db style CSV an operator brings.
/// </summary>
public static class GeoDataInstaller
{
    public const string PackageVersion = "2.3.2026061719";
    public const string CountryPackage = "@ip-location-db/geo-whois-asn-country-mmdb";
    public const string AsnPackage = "@ip-location-db/asn";

    private const string CountryTarball = "ip-location-db-geo-whois-asn-country-mmdb-" + PackageVersion + ".tgz";
    private const string AsnTarball = "ip-location-db-asn-" + PackageVersion + ".tgz";

    private static readonly Dictionary<string, string> Sha256 = new(StringComparer.Ordinal)
    {
        [CountryTarball] = "91757a1b06cdcd1955f292e4c4cfc54e091204f998e159a3187f7a2ef3724be0",
        [AsnTarball] = "b9425daf2f011c28f8586685d4f89166e77627e2c15fd93c6262c3e2dead6153",
    };

    /// <summary>
    /// Verifies (SHA-256) and installs the pinned packages' tarballs found in <paramref name="packages"/> (fetched by the
    /// CLI's <c>palisade geo install</c> with <c>npm pack</c>: Core starts no processes) into <paramref name="folder"/>:
    /// the country MMDB and the ASN CSVs.
    /// </summary>
    public static async Task<IReadOnlyList<GeoManifestEntry>> InstallPackagesAsync(string packages, string folder, Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        foreach (var (tarball, expected) in Sha256)
        {
            var path = Path.Combine(packages, tarball);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{tarball} is missing from {packages}.");
            }

            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
            if (actual != expected)
            {
                throw new InvalidDataException($"{tarball} has SHA-256 {actual}, expected {expected}; refusing to install it.");
            }
        }

        var buildDate = BuildDateOf(PackageVersion);
        var now = DateTimeOffset.UtcNow;
        await ExtractAsync(Path.Combine(packages, CountryTarball), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["package/geo-whois-asn-country.mmdb"] = GeoDataFiles.CountryMmdb,
            ["package/NRO_LICENSE"] = "NRO_LICENSE",
        }, folder, cancellationToken);
        RemoveCountryCsvs(folder);
        await ExtractAsync(Path.Combine(packages, AsnTarball), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["package/asn-ipv4.csv"] = "asn-ipv4.csv",
            ["package/asn-ipv6.csv"] = "asn-ipv6.csv",
            ["package/DBIP-LICENSE"] = "DBIP-LICENSE",
            ["package/ROUTEVIEWS-LICENSE"] = "ROUTEVIEWS-LICENSE",
        }, folder, cancellationToken);
        File.Delete(Path.Combine(folder, GeoDataFiles.AsnMmdb));

        var country = new GeoManifestEntry("country", "mmdb", [GeoDataFiles.CountryMmdb], $"{CountryPackage}@{PackageVersion}",
            "CC0-1.0 (package); data from the NRO (CC BY 4.0)", buildDate, now);
        var asn = new GeoManifestEntry("asn", "csv", ["asn-ipv4.csv", "asn-ipv6.csv"], $"{AsnPackage}@{PackageVersion}",
            "CC BY 4.0: RouteViews (routeviews.org), DB-IP (https://db-ip.com), NRO (nro.net)", buildDate, now);
        GeoDataFiles.WriteManifestEntry(folder, country);
        GeoDataFiles.WriteManifestEntry(folder, asn);
        log?.Invoke($"Installed into {folder}.");
        return [country, asn];
    }

    /// <summary>
    /// Imports MaxMind-format databases (GeoLite2, DB-IP, IPinfo Lite; country, city or ASN) or ip-location-db style
    /// CSVs (<c>start,end,CC</c> or <c>start,end,asn,name</c>). Each file is checked by opening it before it replaces
    /// the data of its kind.
    /// </summary>
    public static IReadOnlyList<GeoManifestEntry> Import(string folder, IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        Directory.CreateDirectory(folder);
        var entries = new List<GeoManifestEntry>();
        var csvs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} does not exist.", path);
            }

            if (path.EndsWith(".mmdb", StringComparison.OrdinalIgnoreCase))
            {
                string kind;
                DateTimeOffset buildDate;
                using (var database = MmdbDatabase.Open(path))
                {
                    kind = KindOf(database);
                    buildDate = database.BuildDate;
                }

                var target = kind == "asn" ? GeoDataFiles.AsnMmdb : GeoDataFiles.CountryMmdb;
                File.Copy(path, Path.Combine(folder, target), overwrite: true);
                foreach (var csv in kind == "asn" ? GeoDataFiles.AsnCsvFiles(folder) : GeoDataFiles.CountryCsvFiles(folder))
                {
                    File.Delete(csv);
                }

                entries.Add(new GeoManifestEntry(kind, "mmdb", [target], Path.GetFullPath(path), "see the data's own licence", buildDate, DateTimeOffset.UtcNow));
            }
            else if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                var kind = CsvKindOf(path);
                if (!csvs.TryGetValue(kind, out var list))
                {
                    csvs[kind] = list = [];
                }

                list.Add(path);
            }
            else
            {
                throw new InvalidDataException($"{path}: import takes .mmdb (MaxMind format) or .csv (start,end,value) files.");
            }
        }

        foreach (var (kind, files) in csvs)
        {
            foreach (var old in kind == "asn" ? GeoDataFiles.AsnCsvFiles(folder) : GeoDataFiles.CountryCsvFiles(folder))
            {
                File.Delete(old);
            }

            File.Delete(Path.Combine(folder, kind == "asn" ? GeoDataFiles.AsnMmdb : GeoDataFiles.CountryMmdb));
            var names = new List<string>();
            foreach (var file in files)
            {
                var name = kind + "-" + Path.GetFileName(file).Replace(kind + "-", "", StringComparison.OrdinalIgnoreCase);
                File.Copy(file, Path.Combine(folder, name), overwrite: true);
                names.Add(name);
            }

            entries.Add(new GeoManifestEntry(kind, "csv", names, string.Join(", ", files.Select(Path.GetFullPath)), "see the data's own licence",
                File.GetLastWriteTimeUtc(files[0]), DateTimeOffset.UtcNow));
        }

        foreach (var entry in entries)
        {
            GeoDataFiles.WriteManifestEntry(folder, entry);
        }

        // Prove the folder opens as a whole before reporting success.
        if (GeoDatabase.Open(folder) is IDisposable opened)
        {
            opened.Dispose();
        }

        return entries;
    }

    /// <summary>ip-location-db versions end in the build's yyyyMMddHH.</summary>
    internal static DateTimeOffset? BuildDateOf(string version)
    {
        var last = version[(version.LastIndexOf('.') + 1)..];
        return DateTime.TryParseExact(last, "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? new DateTimeOffset(date, TimeSpan.Zero)
            : null;
    }

    private static string KindOf(MmdbDatabase database)
    {
        if (database.Metadata.DatabaseType.Contains("asn", StringComparison.OrdinalIgnoreCase))
        {
            return "asn";
        }

        // Some ASN databases have a neutral type name: look at what a well-known address maps to.
        var record = database.Find([8, 8, 8, 8], out _) ?? database.Find([1, 1, 1, 1], out _);
        return record is { Asn: not null, CountryCode: null } ? "asn" : "country";
    }

    private static string CsvKindOf(string path)
    {
        using var reader = new StreamReader(path);
        var fields = new List<string>();
        for (var i = 0; i < 3 && reader.ReadLine() is { } line; i++)
        {
            RangeTable<string>.SplitCsv(line, fields);
            if (fields.Count >= 3 && System.Net.IPAddress.TryParse(fields[0], out _))
            {
                if (fields[2].Length == 2 && fields[2].All(char.IsAsciiLetter))
                {
                    return "country";
                }

                if (uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    return "asn";
                }
            }
        }

        throw new InvalidDataException($"{path}: not an ip-location-db style CSV (start,end,country_code or start,end,asn,organisation).");
    }

    private static void RemoveCountryCsvs(string folder)
    {
        foreach (var csv in GeoDataFiles.CountryCsvFiles(folder))
        {
            File.Delete(csv);
        }
    }

    private static async Task ExtractAsync(string tarball, Dictionary<string, string> wanted, string folder, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        var found = 0;
        while (await tar.GetNextEntryAsync(cancellationToken: cancellationToken) is { } entry)
        {
            if (entry.DataStream is not null && wanted.TryGetValue(entry.Name, out var target))
            {
                // Written beside the target and renamed, so a running reader never sees half a file.
                var data = entry.DataStream;
                await AtomicFile.WriteAsync(Path.Combine(folder, target), (output, ct) => data.CopyToAsync(output, ct), cancellationToken);
                found++;
            }
        }

        if (found != wanted.Count)
        {
            throw new InvalidDataException($"{Path.GetFileName(tarball)} lacks some of {string.Join(", ", wanted.Keys)}.");
        }
    }
}
