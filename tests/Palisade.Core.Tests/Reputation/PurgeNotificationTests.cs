using Palisade.Core.Categories;
using Palisade.Core.Tests.Blocklists;

namespace Palisade.Core.Tests.Reputation;

/// <summary>A purge tells its listeners which addresses it dropped or thinned, so the TAXII feed revokes a delisted
/// address on the next poll instead of at its next full rescan.</summary>
public sealed class PurgeNotificationTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    [Fact]
    public void A_purge_names_every_address_it_dropped_or_thinned_and_no_other()
    {
        _f.Report("45.8.0.1", CategoryCatalog.BruteForce, "ssh", ago: TimeSpan.FromDays(40)); // inactive: dropped
        _f.Report("45.8.0.2", CategoryCatalog.BruteForce, "ssh", ago: TimeSpan.FromDays(20)); // old report: thinned
        _f.Report("45.8.0.2", CategoryCatalog.PortScan, null);
        _f.Report("45.8.0.3", CategoryCatalog.PortScan, null); // untouched
        var purged = new List<string>();
        _f.Index.Purged += e => purged.Add(e.Address);

        _f.Index.Purge(_f.Clock.UtcNow.AddDays(-10), _f.Clock.UtcNow.AddDays(-30));

        Assert.Equal(["45.8.0.1", "45.8.0.2"], purged.Order());
        Assert.Null(_f.Index.Find("45.8.0.1"));
    }

    [Fact]
    public void A_purge_that_drops_nothing_names_nothing()
    {
        _f.Report("45.8.0.4", CategoryCatalog.PortScan, null);
        var purged = 0;
        _f.Index.Purged += _ => purged++;

        _f.Index.Purge(_f.Clock.UtcNow.AddDays(-10), _f.Clock.UtcNow.AddDays(-30));

        Assert.Equal(0, purged);
    }

    public void Dispose() => _f.Dispose();
}
