using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Palisade.Server.Operations;

/// <summary>
/// Process and .NET runtime figures under the names Prometheus' own client libraries use (<c>process_*</c>), the GC,
/// thread pool and JIT, uptime and <c>palisade_build_info</c>.
/// </summary>
public sealed class MetricsRuntimeCollector
{
    private static readonly string[] GenerationLabel = ["generation"];
    private static readonly string[] BuildLabels = ["version", "runtime"];

    private readonly Lock _gate = new();
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly double _processStart;
    private readonly string[] _build;

    public MetricsRuntimeCollector()
    {
        _processStart = new DateTimeOffset(_process.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0;
        var assembly = typeof(MetricsRuntimeCollector).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        _build = [version, RuntimeInformation.FrameworkDescription];
    }

    public void WriteTo(MetricsTextWriter writer)
    {
        long resident, virtualBytes, handles, threads;
        double cpu;
        // Overlapping scrapes: Process.Refresh and the reads after it must not interleave.
        lock (_gate)
        {
            _process.Refresh();
            resident = _process.WorkingSet64;
            virtualBytes = _process.VirtualMemorySize64;
            cpu = _process.TotalProcessorTime.TotalSeconds;
            handles = _process.HandleCount;
            threads = _process.Threads.Count;
        }

        writer.Family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
        writer.Sample("process_resident_memory_bytes", resident);
        writer.Family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
        writer.Sample("process_virtual_memory_bytes", virtualBytes);
        writer.Family("process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.");
        writer.Sample("process_cpu_seconds_total", cpu);
        writer.Family("process_open_fds", "gauge", "Open file descriptors.");
        writer.Sample("process_open_fds", handles);
        writer.Family("process_threads", "gauge", "Operating-system threads of the process.");
        writer.Sample("process_threads", threads);
        writer.Family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.");
        writer.Sample("process_start_time_seconds", _processStart);

        writer.Family("dotnet_gc_collections_total", "counter", "Garbage collections by generation.");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            writer.Sample("dotnet_gc_collections_total", GenerationLabel, [generation.ToString(CultureInfo.InvariantCulture)], null, GC.CollectionCount(generation));
        }

        // Pauses, not collections, are what requests wait for: a node taking a stream of reports is paused tens of
        // milliseconds a second (docs/performance.md "Session 15").
        writer.Family("dotnet_gc_pause_seconds_total", "counter", "Time the process was paused by garbage collections, in seconds.");
        writer.Sample("dotnet_gc_pause_seconds_total", GC.GetTotalPauseDuration().TotalSeconds);
        writer.Family("dotnet_gc_heap_size_bytes", "gauge", "Bytes currently thought to be allocated on the managed heap.");
        writer.Sample("dotnet_gc_heap_size_bytes", GC.GetTotalMemory(forceFullCollection: false));
        writer.Family("dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap since the process started.");
        writer.Sample("dotnet_gc_allocated_bytes_total", GC.GetTotalAllocatedBytes());
        writer.Family("dotnet_threadpool_threads", "gauge", "Thread pool threads.");
        writer.Sample("dotnet_threadpool_threads", ThreadPool.ThreadCount);
        writer.Family("dotnet_threadpool_queue_length", "gauge", "Work items queued to the thread pool and not yet started.");
        writer.Sample("dotnet_threadpool_queue_length", ThreadPool.PendingWorkItemCount);
        writer.Family("dotnet_threadpool_completed_items_total", "counter", "Work items the thread pool has completed.");
        writer.Sample("dotnet_threadpool_completed_items_total", ThreadPool.CompletedWorkItemCount);
        // A process still compiling is not at its steady speed yet (tiering goes on for a minute or more under load):
        // what a benchmark or a capacity test waits on before it measures.
        writer.Family("dotnet_jit_compiled_methods_total", "counter", "Methods the JIT compiled, tier promotions included.");
        writer.Sample("dotnet_jit_compiled_methods_total", System.Runtime.JitInfo.GetCompiledMethodCount());
        writer.Family("dotnet_jit_compilation_seconds_total", "counter", "Time the JIT spent compiling, in seconds.");
        writer.Sample("dotnet_jit_compilation_seconds_total", System.Runtime.JitInfo.GetCompilationTime().TotalSeconds);

        writer.Family("palisade_uptime_seconds", "gauge", "Seconds since this server started.");
        writer.Sample("palisade_uptime_seconds", Stopwatch.GetElapsedTime(_startedAt).TotalSeconds);
        writer.Family("palisade_build_info", "gauge", "Always 1; the labels say which build runs.");
        writer.Sample("palisade_build_info", BuildLabels, _build, null, 1);
    }
}
