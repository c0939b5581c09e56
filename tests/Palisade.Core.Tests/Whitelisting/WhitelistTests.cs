using System.Net;
using System.Text;
using System.Text.Json;
using Palisade.Core.Addresses;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Whitelisting;

public sealed class WhitelistTests
{
    private static readonly DateTimeOffset Now = new(2026, 8, 1, 12, 0, 0, TimeSpan.Zero);

    private static WhitelistEntry Entry(string cidr, string name, double multiplier = 0.5, DateTimeOffset? expires = null)
    {
        Assert.True(IpAddressParser.TryParseNetwork(cidr, out var network, out var error), error);
        return new WhitelistEntry(network, name, multiplier, "operator", expires);
    }

    [Fact]
    public void Empty_matches_nothing()
    {
        Assert.Null(Whitelist.Empty.Match(IPAddress.Parse("8.8.8.8"), Now));
        Assert.Null(Whitelist.Empty.Match(IPAddress.Parse("2001:db8::1"), Now));
        Assert.Empty(Whitelist.Empty.Entries);
    }

    [Fact]
    public void Short_ipv4_prefixes_cover_every_address_of_their_range()
    {
        // Networks wider than a /20 span many /20s (the lookup first asks whether any entry overlaps the address's /20).
        var list = new Whitelist([Entry("10.0.0.0/8", "eight"), Entry("172.16.0.0/12", "twelve"), Entry("192.0.2.0/24", "doc"),
            Entry("::ffff:203.0.113.0/120", "mapped")]);
        Assert.Equal("eight", list.Match(IPAddress.Parse("10.0.0.1"), Now)?.Name);
        Assert.Equal("eight", list.Match(IPAddress.Parse("10.255.255.255"), Now)?.Name);
        Assert.Equal("twelve", list.Match(IPAddress.Parse("172.31.200.1"), Now)?.Name);
        Assert.Null(list.Match(IPAddress.Parse("172.32.0.1"), Now));
        Assert.Null(list.Match(IPAddress.Parse("11.0.0.1"), Now));
        Assert.Equal("doc", list.Match(IPAddress.Parse("192.0.2.200"), Now)?.Name);
        Assert.Null(list.Match(IPAddress.Parse("192.0.3.1"), Now));
        Assert.Null(list.Match(IPAddress.Parse("192.0.16.1"), Now));
        Assert.Equal("mapped", list.Match(IPAddress.Parse("203.0.113.9"), Now)?.Name);
        Assert.Equal("mapped", list.Match(IPAddress.Parse("::ffff:203.0.113.9"), Now)?.Name);
        Assert.Null(list.Match(IPAddress.Parse("203.0.114.9"), Now));
    }

    [Fact]
    public void Longest_prefix_wins()
    {
        var list = new Whitelist(
        [
            Entry("0.0.0.0/0", "everything"),
            Entry("198.51.0.0/16", "wide"),
            Entry("198.51.100.0/24", "narrow"),
            Entry("198.51.100.7/32", "host"),
            Entry("2001:db8::/32", "v6 wide"),
            Entry("2001:db8:1::/48", "v6 narrow"),
            Entry("2001:db8:1:2::/64", "v6 /64"),
        ]);

        Assert.Equal("host", list.Match(IPAddress.Parse("198.51.100.7"), Now)?.Name);
        Assert.Equal("narrow", list.Match(IPAddress.Parse("198.51.100.8"), Now)?.Name);
        Assert.Equal("wide", list.Match(IPAddress.Parse("198.51.200.1"), Now)?.Name);
        Assert.Equal("everything", list.Match(IPAddress.Parse("203.0.113.1"), Now)?.Name);
        Assert.Equal("v6 /64", list.Match(IPAddress.Parse("2001:db8:1:2::99"), Now)?.Name);
        Assert.Equal("v6 narrow", list.Match(IPAddress.Parse("2001:db8:1:3::1"), Now)?.Name);
        Assert.Equal("v6 wide", list.Match(IPAddress.Parse("2001:db8:ffff::1"), Now)?.Name);
        Assert.Null(list.Match(IPAddress.Parse("2001:db9::1"), Now));
        Assert.Equal(7, list.Entries.Count);
    }

    [Fact]
    public void Odd_prefix_lengths_match_exactly_their_range()
    {
        var list = new Whitelist([Entry("100.64.0.0/10", "cgnat"), Entry("2001::/23", "ietf")]);
        Assert.NotNull(list.Match(IPAddress.Parse("100.127.255.255"), Now));
        Assert.Null(list.Match(IPAddress.Parse("100.128.0.0"), Now));
        Assert.Null(list.Match(IPAddress.Parse("100.63.255.255"), Now));
        Assert.NotNull(list.Match(IPAddress.Parse("2001:1ff::1"), Now));
        Assert.Null(list.Match(IPAddress.Parse("2001:200::1"), Now));
    }

    [Fact]
    public void Expired_entries_are_ignored_and_fall_back_to_a_shorter_prefix()
    {
        var list = new Whitelist(
        [
            Entry("192.0.2.0/24", "net"),
            Entry("192.0.2.1/32", "expired", expires: Now),
            Entry("192.0.2.2/32", "expired earlier", expires: Now.AddDays(-1)),
            Entry("192.0.2.3/32", "still valid", expires: Now.AddSeconds(1)),
        ]);

        Assert.Equal("net", list.Match(IPAddress.Parse("192.0.2.1"), Now)?.Name);
        Assert.Equal("net", list.Match(IPAddress.Parse("192.0.2.2"), Now)?.Name);
        Assert.Equal("still valid", list.Match(IPAddress.Parse("192.0.2.3"), Now)?.Name);
        Assert.Equal("expired", list.Match(IPAddress.Parse("192.0.2.1"), Now.AddTicks(-1))?.Name);
    }

    [Fact]
    public void Same_network_later_entry_wins_unless_expired()
    {
        var list = new Whitelist(
        [
            Entry("192.0.2.0/24", "first", 0.2),
            Entry("192.0.2.0/24", "second", 0.9, Now.AddDays(1)),
        ]);

        Assert.Equal("second", list.Match(IPAddress.Parse("192.0.2.9"), Now)?.Name);
        Assert.Equal("first", list.Match(IPAddress.Parse("192.0.2.9"), Now.AddDays(2))?.Name);
    }

    [Fact]
    public void Ipv4_mapped_addresses_and_networks_match_as_ipv4()
    {
        var mappedNetwork = new WhitelistEntry(new IPNetwork(IPAddress.Parse("::ffff:203.0.113.0"), 120), "mapped net", 0.1, "operator");
        var list = new Whitelist([Entry("198.51.100.0/24", "v4"), mappedNetwork]);

        Assert.Equal("v4", list.Match(IPAddress.Parse("::ffff:198.51.100.20"), Now)?.Name);
        Assert.Equal("mapped net", list.Match(IPAddress.Parse("203.0.113.4"), Now)?.Name);
        Assert.Equal("mapped net", list.Match(IPAddress.Parse("::ffff:203.0.113.4"), Now)?.Name);
        Assert.Null(list.Match(IPAddress.Parse("::198.51.100.20"), Now));
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.0.2.200")]
    [InlineData("192.0.3.1")]
    [InlineData("::ffff:198.51.100.20")]
    [InlineData("203.0.113.4")]
    [InlineData("::198.51.100.20")]
    [InlineData("2001:db8:1::5")]
    [InlineData("2001:db8:2::5")]
    [InlineData("2a00::1")]
    [InlineData("8.8.8.8")]
    public void An_address_the_index_holds_matches_by_its_key_as_it_matches_by_its_IPAddress(string address)
    {
        var list = new Whitelist([Entry("10.0.0.0/8", "eight"), Entry("192.0.2.0/24", "doc"), Entry("198.51.100.0/24", "v4"),
            new WhitelistEntry(new IPNetwork(IPAddress.Parse("::ffff:203.0.113.0"), 120), "mapped net", 0.1, "operator"),
            Entry("2001:db8::/32", "v6 wide"), Entry("2001:db8:1::/48", "v6 narrow"), Entry("8.8.8.8/32", "expired", expires: Now.AddDays(-1))]);
        var ip = IPAddress.Parse(address);

        Assert.Same(list.Match(ip, Now), list.Match(AddressKey.From(ip), Now));
    }

    [Fact]
    public void Zero_prefix_matches_everything_of_its_family_only()
    {
        var list = new Whitelist([Entry("::/0", "all v6")]);
        Assert.NotNull(list.Match(IPAddress.Parse("2a00::1"), Now));
        Assert.Null(list.Match(IPAddress.Parse("1.2.3.4"), Now));
    }

    [Fact]
    public void Builtin_has_well_known_resolvers_with_names()
    {
        var entries = BuiltInWhitelist.Load();
        var list = new Whitelist(entries);

        var google = list.Match(IPAddress.Parse("8.8.8.8"), Now);
        Assert.NotNull(google);
        Assert.Equal("Google Public DNS", google.Name);
        Assert.Equal("builtin", google.Source);
        Assert.Equal(0.0, google.Multiplier);

        var cloudflare = list.Match(IPAddress.Parse("1.1.1.1"), Now);
        Assert.NotNull(cloudflare);
        Assert.Equal("Cloudflare DNS", cloudflare.Name);
        Assert.Equal(0.0, cloudflare.Multiplier);

        Assert.Equal("Quad9 DNS", list.Match(IPAddress.Parse("2620:fe::fe"), Now)?.Name);
        Assert.Equal("Cloudflare DNS", list.Match(IPAddress.Parse("2606:4700:4700::1111"), Now)?.Name);
        Assert.Equal("Google Public DNS", list.Match(IPAddress.Parse("::ffff:8.8.4.4"), Now)?.Name);
        Assert.Null(list.Match(IPAddress.Parse("192.0.2.1"), Now));
        Assert.Same(entries, BuiltInWhitelist.Load());
    }

    [Fact]
    public void Builtin_loads_misp_lists_with_their_multipliers()
    {
        var list = new Whitelist(BuiltInWhitelist.Load());

        // Censys 162.142.125.0/24; Cloudflare CDN 104.16.0.0/13 (the resolver /128 overrides its 2606:4700::/32);
        // Googlebot 192.178.4.0/24.
        var censys = list.Match(IPAddress.Parse("162.142.125.10"), Now);
        Assert.NotNull(censys);
        Assert.Equal("misp:censys-scanning", censys.Source);
        Assert.Equal("Censys IP Ranges Used for Scanning", censys.Name);
        Assert.Equal(0.3, censys.Multiplier);

        var cdn = list.Match(IPAddress.Parse("104.16.1.1"), Now);
        Assert.Equal("misp:cloudflare", cdn?.Source);
        Assert.Equal(0.2, cdn?.Multiplier);
        Assert.Equal("misp:cloudflare", list.Match(IPAddress.Parse("2606:4700::1"), Now)?.Source);

        Assert.Equal(0.1, list.Match(IPAddress.Parse("192.178.4.1"), Now)?.Multiplier);

        var resolver = list.Match(IPAddress.Parse("1.0.0.19"), Now);
        Assert.Equal("misp:public-dns-v4", resolver?.Source);

        var sources = BuiltInWhitelist.Load().Select(e => e.Source).Distinct().ToList();
        Assert.Contains("builtin", sources);
        Assert.Contains("misp:public-dns-v6", sources);
        Assert.Contains("misp:shodan-scanning", sources);
        Assert.Contains("misp:shadowserver", sources);
        Assert.True(BuiltInWhitelist.Load().Count > 60_000);
    }

    [Fact]
    public void Parses_misp_json_skipping_unparseable_entries()
    {
        const string json = """
            {
              "name": "Example Scanner Ranges",
              "type": "cidr",
              "list": ["192.0.2.0/24", "2001:db8::1", "198.51.100.9/24", "not-an-ip", "1.2.3/8", "", 42, "example.com"]
            }
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var entries = BuiltInWhitelist.ParseMispList(stream, 0.3);

        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal("Example Scanner Ranges", e.Name));
        Assert.All(entries, e => Assert.Equal("misp:example-scanner-ranges", e.Source));
        Assert.All(entries, e => Assert.Equal(0.3, e.Multiplier));
        Assert.Equal("192.0.2.0/24", entries[0].Network.ToString());
        Assert.Equal("2001:db8::1/128", entries[1].Network.ToString());
        Assert.Equal("198.51.100.0/24", entries[2].Network.ToString());

        using var again = new MemoryStream(Encoding.UTF8.GetBytes(json));
        Assert.Equal("misp:example", BuiltInWhitelist.ParseMispList(again, 0.3, "example")[0].Source);
    }

    [Fact]
    public void Refuses_json_that_is_not_a_warning_list()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("""{"name":"x"}"""));
        Assert.Throws<JsonException>(() => BuiltInWhitelist.ParseMispList(stream, 0.3));
    }
}
