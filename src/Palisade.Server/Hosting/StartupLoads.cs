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
