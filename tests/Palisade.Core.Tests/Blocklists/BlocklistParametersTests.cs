using Palisade.Core.Blocklists;
using Palisade.Core.Categories;

namespace Palisade.Core.Tests.Blocklists;

public sealed class BlocklistParametersTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("101")]
    [InlineData("5.5")]
    public void Score_outside_0_to_100_is_refused(string text)
    {
        Assert.False(BlocklistParameters.TryParseScore("scoreMinimum", text, out _, out var error));
        Assert.Contains("scoreMinimum", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("ten")]
    public void Limit_must_be_positive(string text)
        => Assert.False(BlocklistParameters.TryParseLimit("limit", text, out _, out _));

    [Fact]
    public void Countries_are_case_insensitive_and_unknown_codes_are_named()
    {
        Assert.True(BlocklistParameters.TryParseCountries("onlyCountries", "us,CN", out var countries, out _));
        Assert.Equal(["CN", "US"], countries.Order(StringComparer.Ordinal));
        Assert.False(BlocklistParameters.TryParseCountries("onlyCountries", "US,ZZ", out _, out var error));
        Assert.Contains("'ZZ'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Asns_take_the_AS_prefix_or_none()
    {
        Assert.True(BlocklistParameters.TryParseAsns("onlyAsn", "4134,AS4837", out var asns, out _));
        Assert.Equal([4134u, 4837u], asns.Order());
        Assert.False(BlocklistParameters.TryParseAsns("onlyAsn", "AS-1", out _, out _));
    }

    [Theory]
    [InlineData("4", IpVersionFilter.V4)]
    [InlineData("6", IpVersionFilter.V6)]
    [InlineData("mixed", IpVersionFilter.Mixed)]
    public void Ip_versions(string text, IpVersionFilter expected)
    {
        Assert.True(BlocklistParameters.TryParseIpVersion("ipVersion", text, out var version, out _));
        Assert.Equal(expected, version);
    }

    [Fact]
    public void Ip_version_5_is_refused() => Assert.False(BlocklistParameters.TryParseIpVersion("ipVersion", "5", out _, out _));

    [Fact]
    public void Categories_by_name_or_id_and_severity_by_name()
    {
        Assert.True(BlocklistParameters.TryParseCategories("categories", "brute_force,2", out var categories, out _));
        Assert.Equal([CategoryCatalog.BruteForce, CategoryCatalog.PortScan], categories.Order());
        Assert.False(BlocklistParameters.TryParseCategories("categories", "nonsense", out _, out _));
        Assert.True(BlocklistParameters.TryParseSeverity("minSeverity", "very_high", out var severity, out _));
        Assert.Equal(Severity.VeryHigh, severity);
    }

    [Fact]
    public void Formats_by_name_and_unknown_formats_are_refused()
    {
        foreach (var format in Enum.GetValues<BlocklistFormat>())
        {
            Assert.True(BlocklistParameters.TryParseFormat("format", BlocklistParameters.FormatName(format), out var parsed, out _));
            Assert.Equal(format, parsed);
        }

        Assert.False(BlocklistParameters.TryParseFormat("format", "xml", out _, out var error));
        Assert.Contains("nftables", error, StringComparison.Ordinal);
    }
}
