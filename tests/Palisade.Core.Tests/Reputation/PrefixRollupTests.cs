using Palisade.Core.Categories;
using Palisade.Core.Tests.Blocklists;

namespace Palisade.Core.Tests.Reputation;

/// <summary>IPv6 reputation is also rolled up per /64: one host rotating through its /64 is one source.</summary>
public sealed class PrefixRollupTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void A_64_adds_up_the_evidence_of_its_reported_addresses()
    {
        _f.Report("2a00:10:0:7::1", CategoryCatalog.BruteForce, "ssh");
        _f.Report("2a00:10:0:7::2", CategoryCatalog.BruteForce, "ssh");
        _f.Report("2a00:10:0:7:abcd::3", CategoryCatalog.PortScan, "tcp");
        _f.Report("2a00:10:0:8::1", CategoryCatalog.BruteForce, "ssh");

        // Asked about an address of the /64 that was never reported itself.
        var prefix = _f.Index.Prefix64("2a00:10:0:7::99");
        Assert.NotNull(prefix);
        Assert.Equal("2a00:10:0:7::/64", prefix.Prefix);
        Assert.Equal(3, prefix.Addresses);
        Assert.Equal(3, prefix.Reports);
        var strongest = new[] { "2a00:10:0:7::1", "2a00:10:0:7::2", "2a00:10:0:7:abcd::3" }.Max(a => _f.Index.Score(a).Score);
        Assert.True(prefix.Score > strongest, $"/64 {prefix.Score} vs best address {strongest}");

        Assert.Equal(1, _f.Index.Prefix64("2a00:10:0:8::5")!.Addresses);
        Assert.Null(_f.Index.Prefix64("2a00:10:0:9::1"));
        Assert.Null(_f.Index.Prefix64("45.10.0.1"));
    }

    [Fact]
    public void Purged_addresses_leave_the_roll_up()
    {
        _f.Report("2a00:10:0:7::1", CategoryCatalog.BruteForce, "ssh", ago: TimeSpan.FromDays(40));
        _f.Report("2a00:10:0:7::2", CategoryCatalog.BruteForce, "ssh");
        _f.Index.Purge(_f.Clock.UtcNow - TimeSpan.FromDays(30), _f.Clock.UtcNow - TimeSpan.FromDays(30));
        Assert.Equal(1, _f.Index.Prefix64("2a00:10:0:7::1")!.Addresses);

        _f.Index.Purge(_f.Clock.UtcNow + TimeSpan.FromDays(1), _f.Clock.UtcNow + TimeSpan.FromDays(1));
        Assert.Null(_f.Index.Prefix64("2a00:10:0:7::1"));
    }

    [Fact]
    public void A_roll_up_is_reused_while_other_addresses_get_reports_and_redone_when_its_64_does()
    {
        _f.Report("2a00:10:0:a::1", CategoryCatalog.BruteForce, "ssh");
        var first = _f.Index.Prefix64("2a00:10:0:a::99");
        var computed = _f.Index.PrefixRollupsComputed;

        // A steady stream of reports elsewhere must not make every check of this /64 redo its roll-up.
        _f.Report("45.10.0.1", CategoryCatalog.PortScan, "tcp");
        _f.Report("2a00:10:0:b::1", CategoryCatalog.PortScan, "tcp");
        Assert.Same(first, _f.Index.Prefix64("2a00:10:0:a::99"));
        Assert.Equal(computed, _f.Index.PrefixRollupsComputed);

        _f.Report("2a00:10:0:a::2", CategoryCatalog.BruteForce, "ssh");
        Assert.Equal(2, _f.Index.Prefix64("2a00:10:0:a::99")!.Addresses);
        Assert.Equal(computed + 1, _f.Index.PrefixRollupsComputed);
    }

    [Fact]
    public void A_crowded_64_is_rolled_up_from_a_bounded_number_of_members()
    {
        for (var i = 1; i <= 3000; i++)
        {
            _f.Report($"2a00:10:0:c::{i:x}", CategoryCatalog.BruteForce, "ssh");
        }

        var rollup = _f.Index.Prefix64("2a00:10:0:c::ffff")!;
        Assert.Equal(Palisade.Core.Reputation.ReputationIndex.PrefixMembersRead, rollup.Addresses);
        Assert.True(rollup.Score >= _f.Index.Score("2a00:10:0:c::1").Score);
    }
}
