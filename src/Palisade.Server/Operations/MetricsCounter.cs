using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Palisade.Server.Operations;

/// <summary>A counter with labels, incremented as things happen. Series are created on first use.</summary>
public sealed class MetricsCounter(string name, string help, params string[] labelNames)
{
    private readonly ConcurrentDictionary<string, (string[] Values, StrongBox<long> Count)> _series = new(StringComparer.Ordinal);

    // The per-request counter has five labels: its series are also found by the labels themselves, so counting a
    // request allocates nothing (no label array, no joined key).
    private readonly ConcurrentDictionary<(string, string, string, string, string), StrongBox<long>> _byFive = new();

    public void Inc(params string[] labelValues) => Interlocked.Increment(ref Series(labelValues).Value);

    public void Inc(string a, string b, string c, string d, string e)
    {
        if (!_byFive.TryGetValue((a, b, c, d, e), out var count))
        {
            count = Series([a, b, c, d, e]);
            _byFive.TryAdd((a, b, c, d, e), count);
        }

        Interlocked.Increment(ref count.Value);
    }

    private StrongBox<long> Series(string[] labelValues)
    {
        if (labelValues.Length != labelNames.Length)
        {
            throw new ArgumentException($"{name} has {labelNames.Length} labels.", nameof(labelValues));
        }

        // U+001F cannot occur in any label value this server uses (all come from fixed sets or route templates).
        return _series.GetOrAdd(string.Join('\u001f', labelValues), static (_, values) => (values, new StrongBox<long>()), labelValues).Count;
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
