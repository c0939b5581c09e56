using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Palisade.Bench.Blocklist;

/// <summary>Samples the runtime's allocation ticks (one per ~100 KB allocated) by type, to see what a step allocates.
/// On with BENCH_ALLOC_PROFILE=1.</summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.PayloadNames?.IndexOf("TypeName") is >= 0 and var t ? eventData.Payload[t]?.ToString() ?? "?" : "?";
        var amount = eventData.PayloadNames?.IndexOf("AllocationAmount64") is >= 0 and var a ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }

    public string TakeTop(int count)
    {
        var top = _bytes.OrderByDescending(p => p.Value).Take(count).Select(p => $"{p.Key} {p.Value / 1e6:F0} MB");
        var text = string.Join("; ", top);
        _bytes.Clear();
        return text;
    }
}
