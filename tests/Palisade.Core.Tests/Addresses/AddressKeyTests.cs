using System.Net;
using Palisade.Core.Addresses;

namespace Palisade.Core.Tests.Addresses;

/// <summary>The index keeps addresses as 128-bit values (issue 15); every face still shows the canonical text the parser
/// gives, so the value must give that text back exactly, and every text of one address must give one key.</summary>
public sealed class AddressKeyTests
{
    public static TheoryData<string> Addresses => new()
    {
        "0.0.0.0", "1.2.3.4", "10.0.0.1", "45.9.120.255", "255.255.255.255", "100.64.0.1", "192.0.2.10",
        "2001:db8::1", "2001:db8:0:1::", "::1", "::", "fe80::1", "2a00:0:abcd::1", "2001:db8:85a3::8a2e:370:7334",
        "2001:db8:1:2:3:4:5:6", "ff02::1:ff00:1", "2606:4700:4700::1111",
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public void A_key_gives_back_the_canonical_text_the_parser_gives(string input)
    {
        Assert.True(IpAddressParser.TryParse(input, out var normalized, out _));
        var key = AddressKey.From(normalized.Address);

        Assert.Equal(normalized.Text, key.ToString());
        Assert.True(AddressKey.TryParse(normalized.Text, out var parsed));
        Assert.Equal(key, parsed);
        Assert.Equal(key.GetHashCode(), parsed.GetHashCode());
        Assert.Equal(normalized.IsIPv6, key.IsIPv6);
        Assert.Equal(normalized.Address, key.ToIPAddress());

        Span<byte> utf8 = stackalloc byte[64];
        Assert.True(key.TryFormat(utf8, out var written));
        Assert.Equal(normalized.Text, System.Text.Encoding.ASCII.GetString(utf8[..written]));

        Span<byte> bytes = stackalloc byte[16];
        key.WriteBytes(bytes);
        Assert.Equal(key, AddressKey.FromBytes(bytes));
    }

    [Fact]
    public void Every_ipv4_value_round_trips_through_its_text()
    {
        var random = new Random(4);
        for (var i = 0; i < 20_000; i++)
        {
            var value = (uint)random.NextInt64(0, 1L << 32);
            var address = new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
            var key = AddressKey.FromIPv4(value);

            Assert.Equal(address.ToString(), key.ToString());
            Assert.Equal(key, AddressKey.From(address));
            Assert.True(AddressKey.TryParse(address.ToString(), out var parsed));
            Assert.Equal(key, parsed);
            Assert.Equal((UInt128)value, key.Value);
        }
    }

    [Theory]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    [InlineData("2001:db8:0:0:0:0:0:1", "2001:db8::1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    public void Other_texts_of_an_address_give_its_key(string text, string canonical)
    {
        Assert.True(AddressKey.TryParse(text, out var key));
        Assert.Equal(AddressKey.Parse(canonical), key);
        Assert.Equal(canonical, key.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3.256")]
    [InlineData("fe80::1%eth0")]
    [InlineData("2001:db8::/32")]
    [InlineData("example.org")]
    [InlineData("2a00:16673::1")]
    public void Text_that_is_no_address_gives_no_key(string text)
    {
        Assert.False(AddressKey.TryParse(text, out _));
        Assert.Throws<ArgumentException>(() => AddressKey.Parse(text));
    }

    [Fact]
    public void An_ipv4_address_and_the_ipv6_address_with_the_same_low_bits_are_different_keys()
    {
        var v4 = AddressKey.Parse("192.0.2.1");
        var v6 = AddressKey.Parse("::c000:201");

        Assert.NotEqual(v4, v6);
        Assert.True(v4.IsIPv4);
        Assert.True(v6.IsIPv6);
        Assert.False(AddressRange.Of(IPNetwork.Parse("192.0.2.0/24")).Contains(v6));
        Assert.True(AddressRange.Of(IPNetwork.Parse("192.0.2.0/24")).Contains(v4));
    }
}
