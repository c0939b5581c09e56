using Palisade.Core.Addresses;
using Palisade.Core.Reputation;

namespace Palisade.Core.Tests.Reputation;

/// <summary>The index's IPv6 addresses by /64: members read back whole, IPv4 never a member, addresses gone from the
/// index dropped as they are met, and concurrent adds over many /64s all kept.</summary>
public sealed class PrefixMembersTests
{
    private static AddressKey Key(string address) => AddressKey.Parse(address);

    private static ulong PrefixOf(string address) => PrefixMembers.PrefixOf(Key(address))!.Value;

    [Fact]
    public void The_members_of_a_64_are_read_back_as_their_addresses_and_no_other_64s()
    {
        var members = new PrefixMembers();
        Assert.True(members.Add(Key("2a00:10:0:7::1")));
        Assert.True(members.Add(Key("2a00:10:0:7:ffff:ffff:ffff:ffff")));
        Assert.False(members.Add(Key("2a00:10:0:7::1")));
        Assert.True(members.Add(Key("2a00:10:0:8::1")));
        Assert.False(members.Add(Key("45.10.0.1")));
        Assert.Null(PrefixMembers.PrefixOf(Key("45.10.0.1")));

        var read = members.Read(PrefixOf("2a00:10:0:7::99"), int.MaxValue, _ => true).Select(k => k.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(["2a00:10:0:7::1", "2a00:10:0:7:ffff:ffff:ffff:ffff"], read);
        Assert.Equal("2a00:10:0:7::/64", PrefixMembers.Text(PrefixOf("2a00:10:0:7::99")));
        Assert.Equal("::/64", PrefixMembers.Text(PrefixOf("::1")));
        Assert.Empty(members.Read(PrefixOf("2a00:10:0:9::1"), int.MaxValue, _ => true));
    }

    [Fact]
    public void Members_no_longer_in_the_index_are_dropped_when_met_and_an_empty_64_is_gone()
    {
        var members = new PrefixMembers();
        members.Add(Key("2a00:10:0:7::1"));
        members.Add(Key("2a00:10:0:7::2"));
        var prefix = PrefixOf("2a00:10:0:7::1");

        var kept = members.Read(prefix, int.MaxValue, key => key != Key("2a00:10:0:7::1"));
        Assert.Equal([Key("2a00:10:0:7::2")], kept);
        Assert.Equal([Key("2a00:10:0:7::2")], members.Read(prefix, int.MaxValue, _ => true));

        Assert.Equal([prefix], members.RemoveWhere(_ => true));
        Assert.False(members.Contains(prefix));
        Assert.Empty(members.Read(prefix, int.MaxValue, _ => true));
    }

    [Fact]
    public void A_64_with_a_single_member_is_read_selected_dropped_and_swept_as_one_with_many()
    {
        var members = new PrefixMembers();
        Assert.True(members.Add(Key("2a00:10:0:a::1")));
        Assert.False(members.Add(Key("2a00:10:0:a::1")));
        Assert.True(members.Add(Key("2a00:10:0:b::1")));
        Assert.True(members.Add(Key("2a00:10:0:c::1")));
        var (a, b, c) = (PrefixOf("2a00:10:0:a::1"), PrefixOf("2a00:10:0:b::1"), PrefixOf("2a00:10:0:c::1"));

        Assert.Equal([Key("2a00:10:0:a::1")], members.Read(a, int.MaxValue, _ => true));
        Assert.Empty(members.Read(a, 0, _ => true));
        Assert.Empty(members.Read(a, int.MaxValue, _ => true, key => key != Key("2a00:10:0:a::1")));

        // Not alive: dropped when met, and the /64 is gone.
        Assert.Empty(members.Read(b, int.MaxValue, _ => false));
        Assert.False(members.Contains(b));

        // A second member makes it a /64 with many, read whole.
        Assert.True(members.Add(Key("2a00:10:0:a::2")));
        Assert.Equal(2, members.Read(a, int.MaxValue, _ => true).Count);

        Assert.Equal([c], members.RemoveWhere(key => key == Key("2a00:10:0:c::1")));
        Assert.False(members.Contains(c));
        Assert.True(members.Contains(a));
    }

    [Fact]
    public void Members_a_range_does_not_select_are_neither_read_nor_dropped()
    {
        var members = new PrefixMembers();
        members.Add(Key("2a00:10:0:7::1"));
        members.Add(Key("2a00:10:0:7::1:1"));
        var prefix = PrefixOf("2a00:10:0:7::1");
        var range = AddressRange.Of(System.Net.IPNetwork.Parse("2a00:10:0:7::/112"));

        // Only the members the range selects are read; the other stays a member, even when not alive (it is not met).
        Assert.Equal([Key("2a00:10:0:7::1")], members.Read(prefix, int.MaxValue, _ => true, range.Contains));
        Assert.Equal([Key("2a00:10:0:7::1")], members.Read(prefix, int.MaxValue, key => key != Key("2a00:10:0:7::1:1"), range.Contains));
        Assert.Equal(2, members.Read(prefix, int.MaxValue, _ => true).Count);
    }

    [Fact]
    public void At_most_the_number_asked_is_read_from_a_crowded_64()
    {
        var members = new PrefixMembers();
        for (var i = 1; i <= 5_000; i++)
        {
            members.Add(Key($"2a00:10:0:7::{i:x}"));
        }

        Assert.Equal(1_000, members.Read(PrefixOf("2a00:10:0:7::1"), 1_000, _ => true).Count);
        Assert.Equal(5_000, members.Read(PrefixOf("2a00:10:0:7::1"), int.MaxValue, _ => true).Count);
    }

    [Fact]
    public void Addresses_added_from_several_threads_over_many_64s_are_all_members()
    {
        var members = new PrefixMembers();
        Parallel.For(0, 4, thread =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                // 2,000 /64s, 40 addresses each, every thread adding its own addresses.
                members.Add(Key($"2a00:10:{i % 2000:x}:0::{thread:x}:{i / 2000:x}"));
            }
        });

        var total = 0;
        for (var net = 0; net < 2000; net++)
        {
            total += members.Read(PrefixOf($"2a00:10:{net:x}:0::1"), int.MaxValue, _ => true).Count;
        }

        Assert.Equal(80_000, total);
    }
}
