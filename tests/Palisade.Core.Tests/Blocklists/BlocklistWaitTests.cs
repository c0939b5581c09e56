using System.Net;
using Palisade.Core.Blocklists;
using Palisade.Core.Categories;
using Palisade.Core.Geo;

namespace Palisade.Core.Tests.Blocklists;

/// <summary>Requests wait for a build in progress without holding a thread: on a small server a few list pulls blocked on
/// the first build after a start (seconds at a million addresses) left no thread-pool thread for reports or checks.</summary>
public sealed class BlocklistWaitTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task A_list_asked_for_while_a_build_runs_waits_for_it_without_blocking_the_caller_and_then_lists_what_it_built()
    {
        _f.Report("45.1.2.3", CategoryCatalog.BruteForce, "ssh", reporters: 4);
        _f.Report("80.1.2.4", CategoryCatalog.PortScan, reporters: 2);
        using var geo = new HeldGeo(_f.Geo);
        var (engine, build) = StartBuildHeldAtGeo(geo);
        var selection = engine.SelectAsync(new BlocklistQuery { ScoreMinimum = 0 }, CancellationToken.None);
        var snapshot = engine.CurrentAsync(CancellationToken.None);
        var changes = engine.ChangesAsync(new BlocklistQuery { ScoreMinimum = 0 }, new BlocklistCursor("00000000", 1, null), CancellationToken.None);
        Assert.False(selection.IsCompleted);
        Assert.False(snapshot.IsCompleted);
        Assert.False(changes.IsCompleted);

        geo.Release();
        var built = await build;
        Assert.Equal(["45.1.2.3", "80.1.2.4"], (await selection).Select(e => e.Address).Order());
        Assert.Same(built, await snapshot);
        Assert.Equal(built.Count, (await changes).Current.Count);
        Assert.Equal(1, engine.FullBuilds);
    }

    [Fact]
    public async Task A_request_that_gives_up_while_a_build_runs_is_cancelled_and_the_build_still_completes()
    {
        _f.Report("45.1.2.3", CategoryCatalog.BruteForce, "ssh", reporters: 4);
        using var geo = new HeldGeo(_f.Geo);
        var (engine, build) = StartBuildHeldAtGeo(geo);
        using var aborted = new CancellationTokenSource();

        var selection = engine.SelectAsync(new BlocklistQuery { ScoreMinimum = 0 }, aborted.Token);
        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await selection);
        geo.Release();
        Assert.Equal(1, (await build).Count);
    }

    /// <summary>An engine whose first build runs on a thread of its own and holds at its first geo lookup. If a call under
    /// test blocked until the build ended, it would return only after the release 10 s later (a safety against a hang),
    /// completed.</summary>
    private (BlocklistEngine Engine, Task<BlocklistSnapshot> Build) StartBuildHeldAtGeo(HeldGeo geo)
    {
        var engine = new BlocklistEngine(_f.Index, geo, _f.Clock);
        var build = Task.Factory.StartNew(engine.Current, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(geo.Entered.Wait(TimeSpan.FromSeconds(30)), "the build looks addresses up");
        geo.ReleaseLater(TimeSpan.FromSeconds(10));
        return (engine, build);
    }

    /// <summary>Geo data whose first lookup holds until released: a build in progress, stopped where a test wants it.</summary>
    private sealed class HeldGeo(IGeoLookup inner) : IGeoLookup, IDisposable
    {
        private readonly ManualResetEventSlim _released = new();
        private Timer? _safety;

        public ManualResetEventSlim Entered { get; } = new();

        public bool IsAvailable => true;

        public GeoDataInfo Data => inner.Data;

        public GeoInfo? Lookup(IPAddress address)
        {
            Entered.Set();
            _released.Wait();
            return inner.Lookup(address);
        }

        public string? AsName(uint asn) => inner.AsName(asn);

        public void Release() => _released.Set();

        public void ReleaseLater(TimeSpan after) => _safety = new Timer(_ => Release(), null, after, Timeout.InfiniteTimeSpan);

        public void Dispose()
        {
            _safety?.Dispose();
            _released.Dispose();
            Entered.Dispose();
        }
    }
}
