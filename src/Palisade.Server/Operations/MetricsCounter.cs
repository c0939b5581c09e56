using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Palisade.Server.Operations;

/// <summary>A counter with labels, incremented as things happen. Series are created on first use.</summary>
public sealed class MetricsCounter(string name, string help, params string[] labelNames)
{
    private readonly ConcurrentDictionary<string, (string[] Values, StrongBox<long> Count)> _series = new(StringComparer.Ordinal);

    // The per-request counter has five labels: its series are also found by the labels themselves, so counting a
    // request allocates nothing (no label array, no joined key), and hashes no label text (FiveLabels).
    private readonly ConcurrentDictionary<(string, string, string, string, string), StrongBox<long>> _byFive = new(FiveLabels.Instance);

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

/// <summary>
/// Compares the five labels of a request's series. The values come from small fixed sets (faces, methods, route templates,
/// status texts), nearly always the same string instances: equality tries the reference before the text, and the hash
/// takes each value's length and two characters instead of hashing every character of five strings per request. A
/// collision only costs a comparison; series stay bounded by the label sets.
/// </summary>
internal sealed class FiveLabels : IEqualityComparer<(string, string, string, string, string)>
{
    public static FiveLabels Instance { get; } = new();

    public bool Equals((string, string, string, string, string) x, (string, string, string, string, string) y)
        => Same(x.Item1, y.Item1) && Same(x.Item2, y.Item2) && Same(x.Item3, y.Item3) && Same(x.Item4, y.Item4) && Same(x.Item5, y.Item5);

    public int GetHashCode((string, string, string, string, string) obj)
    {
        unchecked
        {
            var hash = Of(obj.Item1);
            hash = (hash * 31) + Of(obj.Item2);
            hash = (hash * 31) + Of(obj.Item3);
            hash = (hash * 31) + Of(obj.Item4);
            return (hash * 31) + Of(obj.Item5);
        }
    }

    private static bool Same(string a, string b) => ReferenceEquals(a, b) || string.Equals(a, b, StringComparison.Ordinal);

    private static int Of(string value)
    {
        if (value is null || value.Length == 0)
        {
            return 0;
        }

        unchecked
        {
            return (((value.Length * 31) + value[^1]) * 31) + value[(value.Length - 1) / 2];
        }
    }
}
