using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace Palisade.Core.Geo;

/// <summary>
/// The geo lookup over a data folder (<see cref="GeoDataFiles"/>): a country database (MMDB or CSV ranges) and an ASN
/// database (MMDB or CSV ranges), either optional. Answers are cached per (country record, AS record) pair, so a
/// lookup walks the MMDB tree / binary-searches the ranges and returns a shared <see cref="GeoInfo"/>.
/// </summary>
public sealed class GeoDatabase : IGeoLookup, IDisposable
{
    private const uint None = uint.MaxValue;

    private readonly MmdbDatabase? _countryMmdb;
    private readonly RangeTable<string>? _countryRanges;
    private readonly MmdbDatabase? _asnMmdb;
    private readonly RangeTable<AsnRecord>? _asnRanges;
    private readonly ConcurrentDictionary<uint, string?> _asNames = new();
    private readonly ConcurrentDictionary<ulong, GeoInfo?> _answers = new();

    private GeoDatabase(string folder, MmdbDatabase? countryMmdb, RangeTable<string>? countryRanges, MmdbDatabase? asnMmdb,
        RangeTable<AsnRecord>? asnRanges, GeoDataInfo data)
    {
        Folder = folder;
        _countryMmdb = countryMmdb;
        _countryRanges = countryRanges;
        _asnMmdb = asnMmdb;
        _asnRanges = asnRanges;
        Data = data;
        if (asnRanges is not null)
        {
            foreach (var record in asnRanges.Values)
            {
                _asNames.TryAdd(record.Asn, record.Name);
            }
        }
    }

    public string Folder { get; }

    public bool IsAvailable => true;

    public GeoDataInfo Data { get; }

    /// <summary>Opens the data in <paramref name="folder"/>; an <see cref="EmptyGeoLookup"/> when there is none.</summary>
    /// <exception cref="InvalidDataException">A file is there but unreadable.</exception>
    public static IGeoLookup Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var manifest = GeoDataFiles.ReadManifest(folder);
        var sources = new List<GeoSourceInfo>();
        MmdbDatabase? countryMmdb = null, asnMmdb = null;
        RangeTable<string>? countryRanges = null;
        RangeTable<AsnRecord>? asnRanges = null;
        DateTimeOffset? ManifestDate(string kind) => manifest.FirstOrDefault(m => m.Kind == kind)?.BuildDate;

        var countryPath = Path.Combine(folder, GeoDataFiles.CountryMmdb);
        if (File.Exists(countryPath))
        {
            countryMmdb = OpenMmdb(countryPath);
            sources.Add(new GeoSourceInfo("country", GeoDataFiles.CountryMmdb, "mmdb", countryMmdb.BuildDate,
                countryMmdb.Metadata.DatabaseType, 0));
        }
        else if (GeoDataFiles.CountryCsvFiles(folder) is { Count: > 0 } countryCsvs)
        {
            countryRanges = RangeTable<string>.Load(countryCsvs, fields =>
                fields[2] is { Length: 2 } code ? (code.ToUpperInvariant(), string.Intern(code.ToUpperInvariant())) : null);
            sources.Add(new GeoSourceInfo("country", string.Join(", ", countryCsvs.Select(Path.GetFileName)), "csv",
                ManifestDate("country") ?? File.GetLastWriteTimeUtc(countryCsvs[0]), null, countryRanges.Count));
        }

        var asnPath = Path.Combine(folder, GeoDataFiles.AsnMmdb);
        if (File.Exists(asnPath))
        {
            asnMmdb = OpenMmdb(asnPath);
            sources.Add(new GeoSourceInfo("asn", GeoDataFiles.AsnMmdb, "mmdb", asnMmdb.BuildDate, asnMmdb.Metadata.DatabaseType, 0));
        }
        else if (GeoDataFiles.AsnCsvFiles(folder) is { Count: > 0 } asnCsvs)
        {
            asnRanges = RangeTable<AsnRecord>.Load(asnCsvs, fields =>
            {
                if (!uint.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var asn) || asn == 0)
                {
                    return null;
                }

                var name = fields.Count > 3 && fields[3].Length > 0 ? fields[3] : null;
                return (fields[2] + "|" + name, new AsnRecord(asn, name));
            });
            sources.Add(new GeoSourceInfo("asn", string.Join(", ", asnCsvs.Select(Path.GetFileName)), "csv",
                ManifestDate("asn") ?? File.GetLastWriteTimeUtc(asnCsvs[0]), null, asnRanges.Count));
        }

        if (sources.Count == 0)
        {
            return new EmptyGeoLookup(folder);
        }

        return new GeoDatabase(folder, countryMmdb, countryRanges, asnMmdb, asnRanges, new GeoDataInfo(folder, sources));
    }

    public GeoInfo? Lookup(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> buffer = stackalloc byte[16];
        if (!address.TryWriteBytes(buffer, out var length))
        {
            return null;
        }

        ReadOnlySpan<byte> bytes = buffer[..length];
        if (length == 16 && address.IsIPv4MappedToIPv6)
        {
            bytes = buffer[12..16];
        }

        MmdbRecord? countryRecord = null;
        var countryId = None;
        if (_countryMmdb is not null)
        {
            countryRecord = _countryMmdb.Find(bytes, out countryId);
        }
        else if (_countryRanges is not null)
        {
            var index = _countryRanges.Find(bytes);
            countryId = index < 0 ? None : (uint)index;
        }

        MmdbRecord? asnRecord = null;
        var asnId = None;
        if (_asnMmdb is not null)
        {
            asnRecord = _asnMmdb.Find(bytes, out asnId);
        }
        else if (_asnRanges is not null)
        {
            var index = _asnRanges.Find(bytes);
            asnId = index < 0 ? None : (uint)index;
        }

        if (countryId == None && asnId == None)
        {
            return null;
        }

        var key = ((ulong)countryId << 32) | asnId;
        return _answers.TryGetValue(key, out var answer) ? answer : _answers.GetOrAdd(key, Compose(countryRecord, countryId, asnRecord, asnId));
    }

    public string? AsName(uint asn) => _asNames.TryGetValue(asn, out var name) ? name : null;

    public void Dispose()
    {
        _countryMmdb?.Dispose();
        _asnMmdb?.Dispose();
    }

    private GeoInfo? Compose(MmdbRecord? countryRecord, uint countryId, MmdbRecord? asnRecord, uint asnId)
    {
        var code = countryRecord?.CountryCode ?? (_countryRanges is not null && countryId != None ? _countryRanges.Values[(int)countryId] : null);
        uint? asn;
        string? asName;
        string? asDomain;
        if (_asnRanges is not null && asnId != None)
        {
            var record = _asnRanges.Values[(int)asnId];
            (asn, asName, asDomain) = (record.Asn, record.Name, null);
        }
        else
        {
            asn = asnRecord?.Asn ?? countryRecord?.Asn;
            asName = asnRecord?.AsName ?? countryRecord?.AsName;
            asDomain = asnRecord?.AsDomain ?? countryRecord?.AsDomain;
        }

        if (asn is { } number && asName is not null)
        {
            _asNames.TryAdd(number, asName);
        }

        CountryCatalog.TryGet(code, out var country);
        var continentCode = country?.ContinentCode ?? countryRecord?.ContinentCode;
        if (code is null && asn is null)
        {
            return null;
        }

        return new GeoInfo(country?.Code ?? code, country?.Name, continentCode, CountryCatalog.ContinentName(continentCode), asn, asName, asDomain);
    }

    private static MmdbDatabase OpenMmdb(string path)
    {
        try
        {
            return MmdbDatabase.Open(path);
        }
        catch (Exception ex) when (ex is not InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a readable MaxMind-format database: {ex.Message}", ex);
        }
    }
}
