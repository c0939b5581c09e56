using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Palisade.Core.Geo;

/// <summary>
/// Address ranges from ip-location-db style CSV files (<c>start,end,value…</c>, inclusive, sorted, no overlaps), kept as
/// sorted parallel arrays: a lookup is one binary search. Values are indexes into <see cref="Values"/>, so equal
/// values (one AS over many ranges) share one record.
/// </summary>
internal sealed class RangeTable<TValue>
{
    private readonly uint[] _v4Starts;
    private readonly uint[] _v4Ends;
    private readonly int[] _v4Values;
    private readonly UInt128[] _v6Starts;
    private readonly UInt128[] _v6Ends;
    private readonly int[] _v6Values;

    private RangeTable(List<(uint, uint, int)> v4, List<(UInt128, UInt128, int)> v6, List<TValue> values)
    {
        v4.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        v6.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        _v4Starts = [.. v4.Select(r => r.Item1)];
        _v4Ends = [.. v4.Select(r => r.Item2)];
        _v4Values = [.. v4.Select(r => r.Item3)];
        _v6Starts = [.. v6.Select(r => r.Item1)];
        _v6Ends = [.. v6.Select(r => r.Item2)];
        _v6Values = [.. v6.Select(r => r.Item3)];
        Values = values;
    }

    public IReadOnlyList<TValue> Values { get; }

    public int Count => _v4Starts.Length + _v6Starts.Length;

    /// <summary>Loads CSV files; <paramref name="parse"/> turns the columns after start and end into a value key and value
    /// (null to skip the row). Rows that are not ranges are refused with the file and line.</summary>
    public static RangeTable<TValue> Load(IEnumerable<string> files, Func<IReadOnlyList<string>, (string Key, TValue Value)?> parse)
    {
        var v4 = new List<(uint, uint, int)>();
        var v6 = new List<(UInt128, UInt128, int)>();
        var values = new List<TValue>();
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var fields = new List<string>(4);
        foreach (var file in files)
        {
            using var reader = new StreamReader(file);
            var lineNumber = 0;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                SplitCsv(line, fields);
                if (fields.Count < 3 || !IPAddress.TryParse(fields[0], out var start) || !IPAddress.TryParse(fields[1], out var end) ||
                    start.AddressFamily != end.AddressFamily)
                {
                    if (lineNumber == 1)
                    {
                        continue; // a header row
                    }

                    throw new InvalidDataException($"{file}:{lineNumber}: expected 'start,end,value' with two addresses of one family.");
                }

                if (parse(fields) is not { } parsed)
                {
                    continue;
                }

                if (!indexOf.TryGetValue(parsed.Key, out var index))
                {
                    index = values.Count;
                    values.Add(parsed.Value);
                    indexOf[parsed.Key] = index;
                }

                if (start.AddressFamily == AddressFamily.InterNetwork)
                {
                    v4.Add((V4(start), V4(end), index));
                }
                else
                {
                    v6.Add((V6(start), V6(end), index));
                }
            }
        }

        return new RangeTable<TValue>(v4, v6, values);
    }

    /// <summary>The value index for an address, or -1.</summary>
    public int Find(ReadOnlySpan<byte> address)
    {
        if (address.Length == 4)
        {
            var ip = BinaryPrimitives.ReadUInt32BigEndian(address);
            var at = UpperBound(_v4Starts, ip);
            return at >= 0 && ip <= _v4Ends[at] ? _v4Values[at] : -1;
        }

        var ip6 = BinaryPrimitives.ReadUInt128BigEndian(address);
        var at6 = UpperBound(_v6Starts, ip6);
        return at6 >= 0 && ip6 <= _v6Ends[at6] ? _v6Values[at6] : -1;
    }

    /// <summary>Index of the last start ≤ value, or -1.</summary>
    private static int UpperBound<T>(T[] starts, T value) where T : IComparable<T>
    {
        int low = 0, high = starts.Length - 1, found = -1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (starts[middle].CompareTo(value) <= 0)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    private static uint V4(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static UInt128 V6(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>RFC 4180 fields of one line ("Cloudflare, Inc." and doubled quotes inside quotes).</summary>
    internal static void SplitCsv(string line, List<string> fields)
    {
        fields.Clear();
        var i = 0;
        while (i <= line.Length)
        {
            if (i < line.Length && line[i] == '"')
            {
                var text = new System.Text.StringBuilder();
                i++;
                while (i < line.Length)
                {
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            text.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    text.Append(line[i++]);
                }

                fields.Add(text.ToString());
                i++; // the comma
            }
            else
            {
                var comma = line.IndexOf(',', i);
                if (comma < 0)
                {
                    fields.Add(line[i..]);
                    break;
                }

                fields.Add(line[i..comma]);
                i = comma + 1;
                if (i == line.Length)
                {
                    fields.Add("");
                    break;
                }
            }
        }
    }
}
