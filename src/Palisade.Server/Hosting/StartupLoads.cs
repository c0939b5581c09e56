using System.Diagnostics;
using System.Runtime;
using Microsoft.Extensions.Logging;

namespace Palisade.Server.Hosting;

/// <summary>
/// The loads a start runs beside serving (the first blocklist build, the TAXII heads), and one compacting collection
/// when the last of them is done. Reading a million addresses leaves the heap sized for its peak: read buffers, the
/// tables that grew and were replaced, the scoring scratch of the first build. The collector would return that memory
/// only under pressure, so a node that just restarted would hold 30–40 % more than it needs until then
/// (docs/performance.md "Memory per address"). One aggressive collection, once, right after the start, gives it back.
/// </summary>
/// <remarks>
/// Each load registers in its service's constructor (the host creates every hosted service before starting any), so the
/// count is complete before the first load can finish.
/// </remarks>
internal sealed class StartupLoads(ILogger<StartupLoads> logger)
{
    private readonly TaskCompletionSource _firstBuild = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending;

    /// <summary>Registers a load that will call <see cref="Done"/> once, however it ends.</summary>
    /// <returns>This, for a field initialiser.</returns>
    public StartupLoads Begin()
    {
        Interlocked.Increment(ref _pending);
        return this;
    }

    /// <summary>Marks a load done; the last one compacts the heap (on the thread pool: the caller may run at a low priority,
    /// and a blocking collection must not).</summary>
    public void Done()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _ = Task.Run(Compact);
        }
    }

    /// <summary>Marks the first blocklist build done, or given up (a stop, no score refresh).</summary>
    public void FirstBuildDone() => _firstBuild.TrySetResult();

    /// <summary>
    /// Completes once the first blocklist build is done: the TAXII heads load waits for it. Both run at the same low
    /// priority on what the core has left; side by side each took as long as both (at ten million: lists 17 s, heads
    /// 15 s after /healthz). One after the other, the lists come first: firewalls and bouncers pull them every few
    /// seconds, while only a TAXII poll right after a report waits for the heads.
    /// </summary>
    public Task FirstBuildAsync(CancellationToken cancellationToken) => _firstBuild.Task.WaitAsync(cancellationToken);

    private void Compact()
    {
        var before = GC.GetTotalMemory(forceFullCollection: false);
        var started = Stopwatch.StartNew();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        logger.LogInformation("Start-up loads done; the heap compacted from {Before} MB to {After} MB in {Elapsed} ms",
            before >> 20, GC.GetTotalMemory(forceFullCollection: false) >> 20, started.ElapsedMilliseconds);
    }
}
