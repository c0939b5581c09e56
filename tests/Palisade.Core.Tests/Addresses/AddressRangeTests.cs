using System.Net;
using Palisade.Core.Addresses;

namespace Palisade.Core.Tests.Addresses;

public sealed class AddressRangeTests
{
    [Theory]
    [InlineData("2001:db8:f017::/64", "2001:db8:f017::", "2001:db8:f017:0:ffff:ffff:ffff:ffff", "18446744073709551616")]
    [InlineData("2001:db8::7/128", "2001:db8::7", "2001:db8::7", "1")]
    [InlineData("2001:db8::/33", "2001:db8::", "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff", "39614081257132168796771975168")]
    [InlineData("10.1.2.3/24", "10.1.2.0", "10.1.2.255", "256")]
    [InlineData("0.0.0.0/0", "0.0.0.0", "255.255.255.255", "4294967296")]
    [InlineData("192.0.2.9/32", "192.0.2.9", "192.0.2.9", "1")]
    public void Bounds_and_size_are_exact(string cidr, string first, string last, string size)
    {
        var range = AddressRange.Of(Masked(cidr));
        Assert.Equal(first, range.At(UInt128.Zero).ToString());
        Assert.Equal(last, range.At(range.LastOffset).ToString());
        Assert.Equal(size, range.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static IPNetwork Masked(string cidr)
    {
        Assert.True(IpAddressParser.TryParseNetwork(cidr, maskHostBits: true, out var network, out var error), error);
        return network;
    }

    [Fact]
    public void The_whole_IPv6_space_has_an_exact_last_offset()
    {
        var range = AddressRange.Of(IPNetwork.Parse("::/0"));
        Assert.Equal(UInt128.MaxValue, range.LastOffset);
        Assert.Equal("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", range.At(range.LastOffset).ToString());
    }

    [Theory]
    [InlineData("2001:db8:f017::/64", "2001:db8:f017::5", true)]
    [InlineData("2001:db8:f017::/64", "2001:db8:f017:1::5", false)]
    [InlineData("10.0.0.0/8", "10.255.255.255", true)]
    [InlineData("10.0.0.0/8", "11.0.0.0", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.1.1.1", true)]
    [InlineData("10.0.0.0/8", "::a01:101", false)]
    public void Membership_by_family_and_bounds(string cidr, string address, bool inside)
        => Assert.Equal(inside, AddressRange.Of(IPNetwork.Parse(cidr)).Contains(IPAddress.Parse(address)));
}
