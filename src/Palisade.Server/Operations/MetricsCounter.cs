using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Palisade.Server.Operations;

/// <summary>A counter with labels, incremented as things happen. Series are created on first use.</summary>
public sealed class MetricsCounter(string name, string help, params string[] labelNames)
{
    private readonly ConcurrentDictionary<string, (string[] Values, StrongBox<long> Count)> _series = new(StringComparer.Ordinal);

    public void Inc(params string[] labelValues)
    {
        if (labelValues.Length != labelNames.Length)
        {
            throw new ArgumentException($"{name} has {labelNames.Length} labels.", nameof(labelValues));
        }

        // U+001F cannot occur in any label value this server uses (all come from fixed sets or route templates).
        var series = _series.GetOrAdd(string.Join('\u001f', labelValues), static (_, values) => (values, new StrongBox<long>()), labelValues);
        Interlocked.Increment(ref series.Count.Value);
    }

    public void WriteTo(MetricsTextWriter writer)
    {
        writer.Family(name, "counter", help);
        foreach (var (values, count) in _series.Values)
        {
            writer.Sample(name, labelNames, values, null, Interlocked.Read(ref count.Value));
        }
    }
}
