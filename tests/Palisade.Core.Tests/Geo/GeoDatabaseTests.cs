using System.Net;
using Palisade.Core.Geo;

namespace Palisade.Core.Tests.Geo;

public sealed class GeoDatabaseTests
{
    [Fact]
    public async Task Installed_data_answers_country_continent_and_as_for_ipv4_and_ipv6()
    {
        var folder = await GeoTestData.EnsureInstalledAsync();
        using var geo = (GeoDatabase)GeoDatabase.Open(folder);

        var cloudflare = geo.Lookup(IPAddress.Parse("1.1.1.1"))!;
        Assert.Equal("AU", cloudflare.CountryCode);
        Assert.Equal("Australia", cloudflare.CountryName);
        Assert.Equal("OC", cloudflare.ContinentCode);
        Assert.Equal("Oceania", cloudflare.ContinentName);
        Assert.Equal(13335u, cloudflare.Asn);
        Assert.Equal("AS13335", cloudflare.AsnLabel);
        Assert.Equal("13335", cloudflare.AsnNumber);
        Assert.Equal("Cloudflare, Inc.", cloudflare.AsName);

        var google6 = geo.Lookup(IPAddress.Parse("2a00:1450:4001::1"))!;
        Assert.Equal("IE", google6.CountryCode);
        Assert.Equal("Europe", google6.ContinentName);
        Assert.Equal(15169u, google6.Asn);
        Assert.Equal("Google LLC", google6.AsName);

        Assert.Null(geo.Lookup(IPAddress.Parse("10.0.0.1")));
    }

    [Fact]
    public async Task Ipv4_mapped_ipv6_is_folded_to_ipv4_first()
    {
        using var geo = (GeoDatabase)GeoDatabase.Open(await GeoTestData.EnsureInstalledAsync());
        var mapped = geo.Lookup(IPAddress.Parse("::ffff:8.8.8.8"));
        Assert.NotNull(mapped);
        Assert.Same(geo.Lookup(IPAddress.Parse("8.8.8.8")), mapped);
        Assert.Equal("US", mapped.CountryCode);
    }

    [Fact]
    public async Task Build_date_and_sources_come_from_the_data()
    {
        using var geo = (GeoDatabase)GeoDatabase.Open(await GeoTestData.EnsureInstalledAsync());
        Assert.Equal(new DateTimeOffset(2026, 6, 17, 0, 0, 0, TimeSpan.Zero), geo.Data.BuildDate!.Value.UtcDateTime.Date);
        Assert.Equal(["asn", "country"], geo.Data.Sources.Select(s => s.Kind).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Csv_data_with_quoted_names_works_for_both_families_and_answers_are_shared()
    {
        var folder = Directory.CreateTempSubdirectory("palisade-geo-csv-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "asn-ipv4.csv"), "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n5.0.0.0,5.0.0.255,64512,\"LLC \"\"SPUTNIK\"\"\"\n");
            File.WriteAllText(Path.Combine(folder, "asn-ipv6.csv"), "2001:4860::,2001:4860:4804:ffff:ffff:ffff:ffff:ffff,15169,Google LLC\n");
            File.WriteAllText(Path.Combine(folder, "country-ipv4.csv"), "1.0.0.0,1.0.0.255,AU\n");
            using var geo = (GeoDatabase)GeoDatabase.Open(folder);

            var first = geo.Lookup(IPAddress.Parse("1.0.0.7"))!;
            Assert.Equal(("AU", 13335u, "Cloudflare, Inc."), (first.CountryCode, first.Asn!.Value, first.AsName));
            Assert.Same(first, geo.Lookup(IPAddress.Parse("1.0.0.200")));
            Assert.Equal("LLC \"SPUTNIK\"", geo.Lookup(IPAddress.Parse("5.0.0.1"))!.AsName);
            var v6 = geo.Lookup(IPAddress.Parse("2001:4860:4801::1"))!;
            Assert.Null(v6.CountryCode);
            Assert.Equal(15169u, v6.Asn);
            Assert.Null(geo.Lookup(IPAddress.Parse("1.0.1.0")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void An_empty_folder_gives_a_lookup_that_knows_nothing()
    {
        var folder = Directory.CreateTempSubdirectory("palisade-geo-empty-").FullName;
        try
        {
            var geo = GeoDatabase.Open(folder);
            Assert.False(geo.IsAvailable);
            Assert.Null(geo.Lookup(IPAddress.Parse("1.1.1.1")));
            Assert.Null(geo.Data.BuildDate);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Fact]
    public async Task Import_takes_an_mmdb_and_csvs_and_refuses_other_files()
    {
        var source = await GeoTestData.EnsureInstalledAsync();
        var folder = Directory.CreateTempSubdirectory("palisade-geo-import-").FullName;
        try
        {
            var imported = GeoDataInstaller.Import(folder, [Path.Combine(source, GeoDataFiles.CountryMmdb), Path.Combine(source, "asn-ipv6.csv")]);
            Assert.Equal(["asn", "country"], imported.Select(e => e.Kind).Order(StringComparer.Ordinal));
            using (var geo = (GeoDatabase)GeoDatabase.Open(folder))
            {
                var answer = geo.Lookup(IPAddress.Parse("2a00:1450:4001::1"))!;
                Assert.Equal(("IE", 15169u), (answer.CountryCode, answer.Asn!.Value));
            }

            var junk = Path.Combine(folder, "junk.mmdb");
            File.WriteAllText(junk, "not a database");
            Assert.ThrowsAny<Exception>(() => GeoDataInstaller.Import(folder, [junk]));
            Assert.Throws<InvalidDataException>(() => GeoDataInstaller.Import(folder, [Path.Combine(source, "NRO_LICENSE")]));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Country_catalog_names_countries_and_knows_the_obsolete_AN()
    {
        Assert.True(CountryCatalog.TryGet("de", out var germany));
        Assert.Equal(("DE", "Germany", "EU", "Europe"), (germany.Code, germany.Name, germany.ContinentCode, germany.ContinentName));
        Assert.True(CountryCatalog.TryGet("AN", out _));
        Assert.False(CountryCatalog.TryGet("ZZ", out _));
    }
}
