using System.Net;
using Palisade.Core.Addresses;

namespace Palisade.Core.Tests.Addresses;

public sealed class IpAddressParserTests
{
    [Theory]
    [InlineData("8.8.8.8", "8.8.8.8", AddressKind.Public)]
    [InlineData("0.0.0.0", "0.0.0.0", AddressKind.Unspecified)]
    [InlineData("255.255.255.255", "255.255.255.255", AddressKind.Reserved)]
    [InlineData("10.0.0.1", "10.0.0.1", AddressKind.Private)]
    [InlineData("100.0.0.1", "100.0.0.1", AddressKind.Public)]
    [InlineData("::ffff:10.0.0.1", "10.0.0.1", AddressKind.Private)]
    [InlineData("::FFFF:8.8.8.8", "8.8.8.8", AddressKind.Public)]
    [InlineData("0:0:0:0:0:ffff:0808:0808", "8.8.8.8", AddressKind.Public)]
    [InlineData("2001:DB8::1", "2001:db8::1", AddressKind.Documentation)]
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1", AddressKind.Documentation)]
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", AddressKind.Documentation)]
    [InlineData("2606:4700:4700::1111", "2606:4700:4700::1111", AddressKind.Public)]
    [InlineData("2a00:1450:4001:80b::200e", "2a00:1450:4001:80b::200e", AddressKind.Public)]
    [InlineData("::", "::", AddressKind.Unspecified)]
    [InlineData("::1", "::1", AddressKind.Loopback)]
    [InlineData("fe80::1", "fe80::1", AddressKind.LinkLocal)]
    [InlineData("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", AddressKind.Reserved)]
    public void Accepts_and_canonicalises(string input, string text, AddressKind kind)
    {
        Assert.True(IpAddressParser.TryParse(input, out var address, out var error), error);
        Assert.Equal(text, address.Text);
        Assert.Equal(kind, address.Kind);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.256")]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3.04")]
    [InlineData("1.2.3.00")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("0177.0.0.1")]
    [InlineData("2130706433")]
    [InlineData("1..2.3")]
    [InlineData("1.2.3.")]
    [InlineData(".1.2.3")]
    [InlineData("+1.2.3.4")]
    [InlineData("-1.2.3.4")]
    [InlineData("1.2.3.4/24")]
    [InlineData("2001:db8::/32")]
    [InlineData(" 1.2.3.4")]
    [InlineData("1.2.3.4 ")]
    [InlineData("1.2.3.4\n")]
    [InlineData("\t::1")]
    [InlineData("1.2.3.4' OR 1=1")]
    [InlineData("1.2.3.4; DROP TABLE reports")]
    [InlineData("../1.2.3.4")]
    [InlineData("1.2.3.4/../../etc/passwd")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::1%4")]
    [InlineData("[::1]")]
    [InlineData("[::1]:80")]
    [InlineData("1.2.3.4:80")]
    [InlineData("1::2::3")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("12345::1")]
    [InlineData("g::1")]
    [InlineData("::ffff:1.2.3")]
    [InlineData("::ffff:1.2.3.04")]
    [InlineData("::ffff:256.1.1.1")]
    [InlineData("١.٢.٣.٤")]
    [InlineData("example.com")]
    [InlineData("localhost")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses(string? input)
    {
        Assert.False(IpAddressParser.TryParse(input, out var address, out var error));
        Assert.Null(address);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Error_names_the_input()
        => Assert.Equal("'1.2.3' is not a valid IPv4 or IPv6 address", Error("1.2.3"));

    [Fact]
    public void Zone_id_error_says_so() => Assert.Contains("zone id", Error("fe80::1%eth0"), StringComparison.Ordinal);

    [Fact]
    public void Empty_error() => Assert.Equal("the address is empty", Error(""));

    [Fact]
    public void Overlong_input_is_refused_without_echoing_it()
    {
        var input = "1." + new string('1', 10 * 1024);
        var error = Error(input);
        Assert.Contains("too long", error, StringComparison.Ordinal);
        Assert.True(error.Length < 100);
        Assert.False(IpAddressParser.TryParse(new string(':', 65), out _, out _));
    }

    [Fact]
    public void Ipv6_has_prefix64_and_ipv4_has_none()
    {
        Assert.True(IpAddressParser.TryParse("2001:DB8:1:2:aaaa:bbbb:cccc:dddd", out var v6, out _));
        Assert.True(v6.IsIPv6);
        Assert.Equal("2001:db8:1:2::/64", v6.Prefix64);

        Assert.True(IpAddressParser.TryParse("2a00::1", out var short6, out _));
        Assert.Equal("2a00::/64", short6.Prefix64);

        Assert.True(IpAddressParser.TryParse("::ffff:8.8.8.8", out var v4, out _));
        Assert.False(v4.IsIPv6);
        Assert.True(v4.IsPublic);
        Assert.Null(v4.Prefix64);
    }

    [Theory]
    // IPv4
    [InlineData("0.0.0.0", AddressKind.Unspecified)]
    [InlineData("0.0.0.1", AddressKind.Reserved)]
    [InlineData("0.255.255.255", AddressKind.Reserved)]
    [InlineData("1.0.0.0", AddressKind.Public)]
    [InlineData("9.255.255.255", AddressKind.Public)]
    [InlineData("10.0.0.0", AddressKind.Private)]
    [InlineData("10.255.255.255", AddressKind.Private)]
    [InlineData("11.0.0.0", AddressKind.Public)]
    [InlineData("100.63.255.255", AddressKind.Public)]
    [InlineData("100.64.0.0", AddressKind.Private)]
    [InlineData("100.127.255.255", AddressKind.Private)]
    [InlineData("100.128.0.0", AddressKind.Public)]
    [InlineData("126.255.255.255", AddressKind.Public)]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("127.255.255.255", AddressKind.Loopback)]
    [InlineData("128.0.0.0", AddressKind.Public)]
    [InlineData("169.253.255.255", AddressKind.Public)]
    [InlineData("169.254.0.1", AddressKind.LinkLocal)]
    [InlineData("169.254.255.255", AddressKind.LinkLocal)]
    [InlineData("169.255.0.0", AddressKind.Public)]
    [InlineData("172.15.255.255", AddressKind.Public)]
    [InlineData("172.16.0.0", AddressKind.Private)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("172.32.0.0", AddressKind.Public)]
    [InlineData("192.0.0.1", AddressKind.Reserved)]
    [InlineData("192.0.1.1", AddressKind.Public)]
    [InlineData("192.0.2.1", AddressKind.Documentation)]
    [InlineData("192.0.3.1", AddressKind.Public)]
    [InlineData("192.88.99.1", AddressKind.Reserved)]
    [InlineData("192.167.255.255", AddressKind.Public)]
    [InlineData("192.168.0.0", AddressKind.Private)]
    [InlineData("192.168.255.255", AddressKind.Private)]
    [InlineData("192.169.0.0", AddressKind.Public)]
    [InlineData("198.17.255.255", AddressKind.Public)]
    [InlineData("198.18.0.0", AddressKind.Reserved)]
    [InlineData("198.19.255.255", AddressKind.Reserved)]
    [InlineData("198.20.0.0", AddressKind.Public)]
    [InlineData("198.51.100.7", AddressKind.Documentation)]
    [InlineData("198.51.101.7", AddressKind.Public)]
    [InlineData("203.0.113.255", AddressKind.Documentation)]
    [InlineData("203.0.114.0", AddressKind.Public)]
    [InlineData("223.255.255.255", AddressKind.Public)]
    [InlineData("224.0.0.1", AddressKind.Multicast)]
    [InlineData("239.255.255.255", AddressKind.Multicast)]
    [InlineData("240.0.0.1", AddressKind.Reserved)]
    [InlineData("255.255.255.254", AddressKind.Reserved)]
    [InlineData("255.255.255.255", AddressKind.Reserved)]
    // IPv6
    [InlineData("::", AddressKind.Unspecified)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("::2", AddressKind.Reserved)]
    [InlineData("::1.2.3.4", AddressKind.Public)] // IPv4-compatible: classified as 1.2.3.4
    [InlineData("ff::1", AddressKind.Reserved)]
    [InlineData("::ffff:127.0.0.1", AddressKind.Loopback)]
    [InlineData("::ffff:1.1.1.1", AddressKind.Public)]
    [InlineData("64:ff9b::808:808", AddressKind.Public)]
    [InlineData("64:ff9b:1::1", AddressKind.Reserved)]
    [InlineData("100::1", AddressKind.Reserved)]
    [InlineData("100::ffff:ffff:ffff:ffff", AddressKind.Reserved)]
    [InlineData("1fff:ffff::1", AddressKind.Reserved)]
    [InlineData("2000::1", AddressKind.Public)]
    [InlineData("2001::1", AddressKind.Reserved)]
    [InlineData("2001:0:4136:e378::1", AddressKind.Reserved)]
    [InlineData("2001:1ff:ffff::1", AddressKind.Reserved)]
    [InlineData("2001:200::1", AddressKind.Public)]
    [InlineData("2001:db7:ffff::1", AddressKind.Public)]
    [InlineData("2001:db8::", AddressKind.Documentation)]
    [InlineData("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", AddressKind.Documentation)]
    [InlineData("2001:db9::1", AddressKind.Public)]
    [InlineData("2002:c000:204::1", AddressKind.Documentation)] // 6to4 of 192.0.2.4
    [InlineData("2002:808:808::1", AddressKind.Public)]
    [InlineData("2001:0:4136:e378:8000:63bf:f7f7:f7f7", AddressKind.Public)] // Teredo client 8.8.8.8
    [InlineData("2001:4860:4860::8888", AddressKind.Public)]
    [InlineData("3ffe:ffff::1", AddressKind.Public)]
    [InlineData("3fff::1", AddressKind.Documentation)]
    [InlineData("3fff:fff:ffff::1", AddressKind.Documentation)]
    [InlineData("3fff:1000::1", AddressKind.Public)]
    [InlineData("4000::1", AddressKind.Reserved)]
    [InlineData("5f00::1", AddressKind.Reserved)]
    [InlineData("fbff::1", AddressKind.Reserved)]
    [InlineData("fc00::1", AddressKind.Private)]
    [InlineData("fd12:3456::1", AddressKind.Private)]
    [InlineData("fe80::abcd", AddressKind.LinkLocal)]
    [InlineData("febf:ffff::1", AddressKind.LinkLocal)]
    [InlineData("fec0::1", AddressKind.Reserved)]
    [InlineData("ff02::1", AddressKind.Multicast)]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", AddressKind.Multicast)]
    public void Classifies_every_range(string input, AddressKind kind)
    {
        Assert.Equal(kind, IpAddressParser.Classify(IPAddress.Parse(input)));
        Assert.True(IpAddressParser.TryParse(input, out var address, out var error), error);
        Assert.Equal(kind, address.Kind);
    }

    [Theory]
    [InlineData("1.2.3.0/24", "1.2.3.0/24")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("8.8.8.8/32", "8.8.8.8/32")]
    [InlineData("2001:db8::/48", "2001:db8::/48")]
    [InlineData("2001:DB8:0::/32", "2001:db8::/32")]
    [InlineData("::/0", "::/0")]
    [InlineData("2001:db8::1/128", "2001:db8::1/128")]
    [InlineData("::ffff:1.2.3.0/120", "1.2.3.0/24")]
    public void Parses_networks(string input, string expected)
    {
        Assert.True(IpAddressParser.TryParseNetwork(input, out var network, out var error), error);
        Assert.Equal(expected, network.ToString());
    }

    [Theory]
    [InlineData("1.2.3.4/24", "did you mean 1.2.3.0/24?")]
    [InlineData("2001:db8::1/32", "did you mean 2001:db8::/32?")]
    [InlineData("1.2.3.0/33", "prefix length")]
    [InlineData("2001:db8::/129", "prefix length")]
    [InlineData("1.2.3.0/", "prefix length")]
    [InlineData("1.2.3.0/024", "prefix length")]
    [InlineData("1.2.3.0/-1", "prefix length")]
    [InlineData("1.2.3.0/ 24", "prefix length")]
    [InlineData("1.2.3.0/24/24", "prefix length")]
    [InlineData("1.2.3/24", "not a valid")]
    [InlineData("1.2.3.0", "CIDR")]
    [InlineData("fe80::%eth0/64", "zone id")]
    [InlineData("", "empty")]
    [InlineData(null, "empty")]
    public void Refuses_bad_networks(string? input, string errorPart)
    {
        Assert.False(IpAddressParser.TryParseNetwork(input, out _, out var error));
        Assert.Contains(errorPart, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_host_bits_can_be_masked_for_imported_data()
    {
        Assert.True(IpAddressParser.TryParseNetwork("1.2.3.4/24", maskHostBits: true, out var network, out _));
        Assert.Equal("1.2.3.0/24", network.ToString());
    }

    private static string Error(string input)
    {
        Assert.False(IpAddressParser.TryParse(input, out _, out var error));
        return error;
    }
}
