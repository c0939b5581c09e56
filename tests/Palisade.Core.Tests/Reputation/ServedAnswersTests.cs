using System.Net;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Tests.Blocklists;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Reputation;

/// <summary>
/// A face's answer to a default check, kept with <see cref="ReputationIndex.KeepServed"/>, is found again by the address
/// alone (<see cref="ReputationIndex.FindServed"/>) exactly while everything it shows still holds: any report, purge or
/// withdrawal of the address, any whitelist or reporter change, the score's refresh time, or a change applied while the
/// answer was being made sends the next check the full way.
/// </summary>
public sealed class ServedAnswersTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static NormalizedAddress Parse(string text)
        => IpAddressParser.TryParse(text, out var address, out var error) ? address : throw new ArgumentException(error);

    // What the check endpoint does: the kept answer if one holds, else the index's answer, kept for the next check. The
    // "bytes" are a fresh object per answer made, so a test can tell a served answer from a new one.
    private object Serve(string text)
    {
        var address = Parse(text);
        if (_f.Index.FindServed(address, out var ticket) is { } served)
        {
            return served;
        }

        var made = new Made(text, _f.Index.CheckKnown(address, CheckQuery.Default));
        if (made.Result is not null && ticket.IsValid)
        {
            _f.Index.KeepServed(ticket, made.Result, made);
        }

        return made;
    }

    private sealed record Made(string Address, CheckResult? Result);

    [Fact]
    public void A_kept_answer_is_served_again_until_a_report_about_its_address_is_applied()
    {
        _f.Report("45.20.0.1", CategoryCatalog.BruteForce, "ssh");
        _f.Report("45.20.0.2", CategoryCatalog.BruteForce, "ssh");
        var first = Serve("45.20.0.1");
        Assert.Same(first, Serve("45.20.0.1"));
        var other = Serve("45.20.0.2");

        _f.Report("45.20.0.1", CategoryCatalog.PortScan);
        var after = Assert.IsType<Made>(Serve("45.20.0.1"));
        Assert.NotSame(first, after);
        Assert.Contains(after.Result!.Categories, c => c.Id == CategoryCatalog.PortScan);
        Assert.Same(after, Serve("45.20.0.1"));
        // Another address's answer stays unless the report's address shares its slot.
        Assert.Equal("45.20.0.2", Assert.IsType<Made>(Serve("45.20.0.2")).Address);
        Assert.NotNull(other);
    }

    [Fact]
    public void An_answer_made_while_a_report_about_its_address_was_applied_is_never_served()
    {
        _f.Report("45.20.1.1", CategoryCatalog.BruteForce, "ssh");
        var address = Parse("45.20.1.1");
        Assert.Null(_f.Index.FindServed(address, out var ticket));
        var before = _f.Index.CheckKnown(address, CheckQuery.Default)!;

        // The report lands after the ticket was taken (and here after the answer was read): keeping it must not serve it.
        _f.Report("45.20.1.1", CategoryCatalog.PortScan);
        _f.Index.KeepServed(ticket, before, new Made("stale", before));

        var next = Assert.IsType<Made>(Serve("45.20.1.1"));
        Assert.Equal("45.20.1.1", next.Address);
        Assert.Contains(next.Result!.Categories, c => c.Id == CategoryCatalog.PortScan);
    }

    [Fact]
    public void A_purge_that_thins_or_drops_the_address_a_withdrawal_and_a_reset_stop_its_served_answer()
    {
        _f.Report("45.20.2.1", CategoryCatalog.BruteForce, ago: TimeSpan.FromDays(40));
        _f.Report("45.20.2.1", CategoryCatalog.PortScan, ago: TimeSpan.FromDays(1));
        _f.Report("45.20.2.2", CategoryCatalog.BruteForce, ago: TimeSpan.FromDays(40));
        _f.Report("45.20.2.3", CategoryCatalog.BruteForce);
        var thinned = Serve("45.20.2.1");
        var dropped = Serve("45.20.2.2");
        Assert.Same(thinned, Serve("45.20.2.1"));

        _f.Index.Purge(_f.Clock.UtcNow - TimeSpan.FromDays(30), _f.Clock.UtcNow - TimeSpan.FromDays(30));
        var afterPurge = Assert.IsType<Made>(Serve("45.20.2.1"));
        Assert.NotSame(thinned, afterPurge);
        Assert.DoesNotContain(afterPurge.Result!.Categories, c => c.Id == CategoryCatalog.BruteForce);
        Assert.NotSame(dropped, Serve("45.20.2.2"));
        Assert.Null(Assert.IsType<Made>(Serve("45.20.2.2")).Result);

        var kept = Serve("45.20.2.3");
        Assert.Same(kept, Serve("45.20.2.3"));
        _f.Index.Reload("45.20.2.3", []);
        Assert.Null(Assert.IsType<Made>(Serve("45.20.2.3")).Result);

        // A snapshot that turns out not to match the store is forgotten whole (Reset) before the store is loaded.
        var beforeReset = Serve("45.20.2.1");
        Assert.Same(beforeReset, Serve("45.20.2.1"));
        _f.Index.Reset();
        Assert.Null(Assert.IsType<Made>(Serve("45.20.2.1")).Result);
    }

    [Fact]
    public void A_whitelist_change_stops_every_served_answer()
    {
        _f.Report("45.20.3.1", CategoryCatalog.BruteForce, "ssh", reporters: 3);
        _f.Report("45.20.4.1", CategoryCatalog.BruteForce, "ssh");
        var listed = Serve("45.20.3.1");
        var elsewhere = Serve("45.20.4.1");
        Assert.Same(listed, Serve("45.20.3.1"));

        _f.Whitelist.SetOperatorEntries([new WhitelistEntry(IPNetwork.Parse("45.20.3.0/24"), "partner", 0.0, "operator")]);
        var after = Assert.IsType<Made>(Serve("45.20.3.1"));
        Assert.NotSame(listed, after);
        Assert.Equal(0, after.Result!.Score);
        Assert.Equal("partner", after.Result.Whitelisted?.Name);
        Assert.NotSame(elsewhere, Serve("45.20.4.1"));
    }

    [Fact]
    public void A_served_answer_lasts_until_its_score_is_due_for_a_refresh_or_its_whitelist_entry_expires()
    {
        _f.Report("45.20.5.1", CategoryCatalog.BruteForce, "ssh");
        var first = Serve("45.20.5.1");
        _f.Clock.UtcNow += _f.Index.Options.ScoreRefreshInterval - TimeSpan.FromSeconds(1);
        Assert.Same(first, Serve("45.20.5.1"));
        _f.Clock.UtcNow += TimeSpan.FromSeconds(1);
        var refreshed = Serve("45.20.5.1");
        Assert.NotSame(first, refreshed);
        Assert.Same(refreshed, Serve("45.20.5.1"));

        _f.Whitelist.SetOperatorEntries([new WhitelistEntry(IPNetwork.Parse("45.20.5.0/24"), "until noon", 0.5, "operator",
            _f.Clock.UtcNow + TimeSpan.FromMinutes(1))]);
        var listed = Assert.IsType<Made>(Serve("45.20.5.1"));
        Assert.Equal("until noon", listed.Result!.Whitelisted?.Name);
        Assert.Same(listed, Serve("45.20.5.1"));
        _f.Clock.UtcNow += TimeSpan.FromMinutes(1);
        var unlisted = Assert.IsType<Made>(Serve("45.20.5.1"));
        Assert.Null(unlisted.Result!.Whitelisted);
    }

    [Fact]
    public void Only_the_indexs_own_default_answer_of_a_public_IPv4_address_is_kept()
    {
        _f.Report("2a00:20:0:6::1", CategoryCatalog.BruteForce, "ssh");
        _f.Report("45.20.6.1", CategoryCatalog.BruteForce, "ssh");

        // IPv6 answers roll up their /64 (other addresses' reports move them): no ticket to keep one.
        Assert.Null(_f.Index.FindServed(Parse("2a00:20:0:6::1"), out var v6));
        Assert.False(v6.IsValid);
        Assert.Null(_f.Index.FindServed(Parse("10.0.0.1"), out var local));
        Assert.False(local.IsValid);

        // A filtered answer or a copy (ignoreWhitelist) is not the index's held answer: offered, not kept.
        var address = Parse("45.20.6.1");
        Assert.Null(_f.Index.FindServed(address, out var ticket));
        var filtered = _f.Index.CheckKnown(address, new CheckQuery(TimeSpan.FromDays(1), null, false))!;
        _f.Index.KeepServed(ticket, filtered, "filtered");
        Assert.Null(_f.Index.FindServed(address, out ticket));
        var copy = _f.Index.CheckKnown(address, CheckQuery.Default)! with { Score = 1 };
        _f.Index.KeepServed(ticket, copy, "copy");
        Assert.Null(_f.Index.FindServed(address, out ticket));

        // Nor one address's answer under another address's ticket.
        var other = Parse("45.20.6.2");
        Assert.Null(_f.Index.FindServed(other, out var otherTicket));
        _f.Index.KeepServed(otherTicket, _f.Index.CheckKnown(address, CheckQuery.Default)!, "wrong address");
        Assert.Null(_f.Index.FindServed(other, out _));
    }

    [Fact]
    public void Addresses_sharing_a_slot_are_each_answered_with_their_own_answer_or_the_full_way()
    {
        // 20,000 addresses over 65,536 slots: a few thousand share one, and each replaces the other's answer there.
        const int count = 20_000;
        for (var i = 0; i < count; i++)
        {
            _f.Report($"45.21.{i / 250}.{(i % 250) + 1}", CategoryCatalog.BruteForce);
        }

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < count; i++)
            {
                var text = $"45.21.{i / 250}.{(i % 250) + 1}";
                var answer = Assert.IsType<Made>(Serve(text));
                Assert.Equal(text, answer.Address);
                Assert.Equal(text, answer.Result!.Address.Text);
            }
        }
    }
}
