using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Stix;
using Palisade.Core.Tests.Blocklists;

namespace Palisade.Core.Tests.Stix;

/// <summary>The published head of each indicator stays findable by address whatever the index does with the address's
/// entry (purged, reloaded, created again), so the feed revokes, re-versions or relists it with the right generation.</summary>
public sealed class IndicatorHeadsTests : IDisposable
{
    private static readonly HeadTexts Texts = new("malicious-activity", "");
    private readonly BlocklistFixture _f = new();
    private readonly IndicatorHeads _heads;

    public IndicatorHeadsTests() => _heads = new IndicatorHeads(_f.Index);

    private static PublishedHead Head(int generation, long modified = 1_000, bool revoked = false)
        => new(generation, 1_000, modified, 90_000, 80, Texts, revoked, inHighConfidence: false);

    private static AddressKey Key(string address) => AddressKey.Parse(address);

    [Fact]
    public void A_head_set_for_an_address_the_index_holds_is_read_back_and_counted_once()
    {
        _f.Report("45.10.0.1", CategoryCatalog.PortScan);

        _heads.Set(Key("45.10.0.1"), Head(0));
        _heads.Set(Key("45.10.0.1"), Head(0, modified: 2_000));

        Assert.True(_heads.TryGet(Key("45.10.0.1"), out var head));
        Assert.Equal(2_000, head.Modified);
        Assert.Equal(1, _heads.Count);
        Assert.False(_heads.TryGet(Key("45.10.0.2"), out _));
        Assert.Empty(_heads.RemovedAddresses());
    }

    [Fact]
    public void A_purged_address_keeps_its_head_and_a_new_entry_for_it_finds_it_again()
    {
        _f.Report("45.10.0.3", CategoryCatalog.PortScan, ago: TimeSpan.FromDays(40));
        _f.Report("45.10.0.4", CategoryCatalog.PortScan);
        _heads.Set(Key("45.10.0.3"), Head(2));
        _heads.Set(Key("45.10.0.4"), Head(0));

        _f.Index.Purge(_f.Clock.UtcNow.AddDays(-30), _f.Clock.UtcNow.AddDays(-30));

        Assert.Null(_f.Index.Find("45.10.0.3"));
        Assert.True(_heads.TryGet(Key("45.10.0.3"), out var kept));
        Assert.Equal(2, kept.Generation);
        Assert.Equal([Key("45.10.0.3")], _heads.RemovedAddresses());
        Assert.True(_heads.TryGet(Key("45.10.0.4"), out _)); // the other address's head is where it was

        // Reported again: a new entry, whose relisting must continue from generation 2.
        _f.Report("45.10.0.3", CategoryCatalog.BruteForce);
        Assert.True(_heads.TryGet(Key("45.10.0.3"), out var found));
        Assert.Equal(2, found.Generation);
        Assert.Empty(_heads.RemovedAddresses());

        _heads.Set(Key("45.10.0.3"), Head(3));
        Assert.True(_heads.TryGet(Key("45.10.0.3"), out var relisted));
        Assert.Equal(3, relisted.Generation);
        Assert.Equal(2, _heads.Count);
    }

    [Fact]
    public void A_head_set_while_its_entry_is_being_removed_is_not_lost()
    {
        _f.Report("45.10.0.5", CategoryCatalog.PortScan);
        var entry = _f.Index.Find("45.10.0.5")!;

        // The index has announced the removal but not yet removed the entry: a head written now must survive it.
        _f.Index.Removing!(entry);
        _heads.Set(Key("45.10.0.5"), Head(1));
        _f.Index.Reload("45.10.0.5", []);

        Assert.Null(_f.Index.Find("45.10.0.5"));
        Assert.True(_heads.TryGet(Key("45.10.0.5"), out var head));
        Assert.Equal(1, head.Generation);
        Assert.Equal(1, _heads.Count);
    }

    [Fact]
    public void An_address_whose_reports_were_reloaded_keeps_its_head()
    {
        _f.Report("45.10.0.6", CategoryCatalog.PortScan);
        _f.Report("45.10.0.6", CategoryCatalog.BruteForce);
        _heads.Set(Key("45.10.0.6"), Head(4));

        _f.Index.Reload("45.10.0.6", []); // every report withdrawn: the entry goes
        Assert.True(_heads.TryGet(Key("45.10.0.6"), out var afterRemoval));
        Assert.Equal(4, afterRemoval.Generation);

        _f.Report("45.10.0.6", CategoryCatalog.PortScan);
        var reports = _f.Index.Find("45.10.0.6")!.Facts.Count;
        Assert.Equal(1, reports);
        Assert.True(_heads.TryGet(Key("45.10.0.6"), out var afterReport));
        Assert.Equal(4, afterReport.Generation);
    }

    [Fact]
    public void Loading_keeps_the_highest_generation_and_its_latest_version_in_whatever_order_they_are_read()
    {
        _f.Report("45.10.0.7", CategoryCatalog.PortScan);

        _heads.Load(Key("45.10.0.7"), Head(1, modified: 6_000));
        _heads.Load(Key("45.10.0.7"), Head(0, modified: 9_000, revoked: true));
        _heads.Load(Key("45.10.0.7"), Head(1, modified: 5_000)); // an earlier version of the same object, read after
        _heads.Load(Key("45.10.0.8"), Head(0)); // not in the index: kept by address

        Assert.True(_heads.TryGet(Key("45.10.0.7"), out var head));
        Assert.Equal((1, 6_000L), (head.Generation, head.Modified));
        Assert.True(_heads.TryGet(Key("45.10.0.8"), out _));
        Assert.Equal(2, _heads.Count);
    }

    [Fact]
    public void A_head_is_32_bytes_and_keeps_its_times_to_the_millisecond_for_years()
    {
        const long created = 1_796_000_000_123; // 2026-11-29, Unix milliseconds
        var years = (long)TimeSpan.FromDays(5 * 365).TotalMilliseconds;
        var head = new PublishedHead(7, created, created + years + 1, created + years + 14 * 86_400_000L, 99, Texts, revoked: false, inHighConfidence: true);

        Assert.Equal(32, System.Runtime.CompilerServices.Unsafe.SizeOf<PublishedHead>());
        Assert.Equal((7, created, created + years + 1, created + years + 14 * 86_400_000L), (head.Generation, head.Created, head.Modified, head.ValidUntil));
        Assert.Equal((99, true, false), (head.Confidence, head.InHighConfidence, head.Revoked));

        var revoked = head with { Modified = head.Modified + 1, Revoked = true };
        Assert.Equal((created, created + years + 2, head.ValidUntil, true), (revoked.Created, revoked.Modified, revoked.ValidUntil, revoked.Revoked));
        Assert.NotEqual(head, revoked);
    }

    [Fact]
    public void An_index_keeps_the_heads_of_one_publisher_only()
    {
        Assert.Throws<InvalidOperationException>(() => new IndicatorHeads(_f.Index));
        _heads.Dispose();
        using var next = new IndicatorHeads(_f.Index); // after the first let go
    }

    public void Dispose()
    {
        _heads.Dispose();
        _f.Dispose();
    }
}
