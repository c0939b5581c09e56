using System.Collections.Concurrent;

namespace Palisade.Server.Operations;

/// <summary>A histogram with one label and fixed buckets (upper bounds, in the observed unit).</summary>
public sealed class MetricsHistogram(string name, string help, string labelName, double[] buckets)
{
    private readonly string[] _labelNames = [labelName];
    private readonly string[] _bounds = [.. buckets.Select(MetricsTextWriter.Number)];

    // Per label value: a count per bucket (not cumulative), then the +Inf slot, then the sum's bits.
    private readonly ConcurrentDictionary<string, long[]> _series = new(StringComparer.Ordinal);

    private int InfinitySlot => buckets.Length;

    private int SumSlot => buckets.Length + 1;

    /// <summary>Creates the series of a label value, so it is exported (at zero) before its first observation.</summary>
    public void Touch(string labelValue) => _series.GetOrAdd(labelValue, _ => new long[buckets.Length + 2]);

    public void Observe(string labelValue, double value)
    {
        // Found first: GetOrAdd with a factory that captures this would allocate a delegate on every observation.
        if (!_series.TryGetValue(labelValue, out var series))
        {
            series = _series.GetOrAdd(labelValue, static (_, length) => new long[length], buckets.Length + 2);
        }

        var bucket = Array.BinarySearch(buckets, value);
        // Not found: the complement is the first bound above the value, or the +Inf slot past the last bound.
        Interlocked.Increment(ref series[bucket >= 0 ? bucket : ~bucket]);
        long seen, next;
        do
        {
            // A plain atomic read: the exchange below checks it (Interlocked.Read is a locked exchange of its own).
            seen = Volatile.Read(ref series[SumSlot]);
            next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
        }
        while (Interlocked.CompareExchange(ref series[SumSlot], next, seen) != seen);
    }

    public void WriteTo(MetricsTextWriter writer)
    {
        writer.Family(name, "histogram", help);
        foreach (var (labelValue, series) in _series)
        {
            string[] values = [labelValue];
            long cumulative = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                cumulative += Interlocked.Read(ref series[i]);
                writer.Sample(name + "_bucket", _labelNames, values, _bounds[i], cumulative);
            }

            // The count is the +Inf bucket by definition: both come from the same reads.
            cumulative += Interlocked.Read(ref series[InfinitySlot]);
            writer.Sample(name + "_bucket", _labelNames, values, "+Inf", cumulative);
            writer.Sample(name + "_sum", _labelNames, values, null, BitConverter.Int64BitsToDouble(Interlocked.Read(ref series[SumSlot])));
            writer.Sample(name + "_count", _labelNames, values, null, cumulative);
        }
    }
}
