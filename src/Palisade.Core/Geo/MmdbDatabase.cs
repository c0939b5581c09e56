using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using MaxMind.Db;

namespace Palisade.Core.Geo;

/// <summary>
/// A MaxMind-format (.mmdb) database. MaxMind.Db reads the metadata and decodes records; the search tree is walked here
/// so that each distinct record (a few hundred countries, some tens of thousands of networks) is decoded once and then
/// answered from a cache by its data offset: a lookup allocates nothing.
/// </summary>
internal sealed class MmdbDatabase : IDisposable
{
    private readonly Reader _reader;
    private readonly byte[] _tree;
    private readonly uint _nodeCount;
    private readonly int _recordSize;
    private readonly uint _ipv4Start;
    private readonly ConcurrentDictionary<uint, MmdbRecord> _records = new();

    private MmdbDatabase(string path, Reader reader, byte[] tree, uint nodeCount, int recordSize)
    {
        Path = path;
        _reader = reader;
        _tree = tree;
        _nodeCount = nodeCount;
        _recordSize = recordSize;
        _ipv4Start = 0;
        if (reader.Metadata.IPVersion == 6)
        {
            // IPv4 lives under ::/96: follow 96 zero bits once.
            var node = 0u;
            for (var i = 0; i < 96 && node < nodeCount; i++)
            {
                node = ReadRecord(node, 0);
            }

            _ipv4Start = node;
        }
    }

    public string Path { get; }

    public Metadata Metadata => _reader.Metadata;

    public DateTimeOffset BuildDate => new(DateTime.SpecifyKind(_reader.Metadata.BuildDate, DateTimeKind.Utc));

    public static MmdbDatabase Open(string path)
    {
        var reader = new Reader(path, FileAccessMode.Memory);
        try
        {
            var metadata = reader.Metadata;
            var nodeCount = Convert.ToUInt32(Internal(metadata, "NodeCount"), System.Globalization.CultureInfo.InvariantCulture);
            var recordSize = Convert.ToInt32(Internal(metadata, "RecordSize"), System.Globalization.CultureInfo.InvariantCulture);
            if (recordSize is not (24 or 28 or 32))
            {
                throw new InvalidDataException($"{path}: unsupported record size {recordSize}.");
            }

            var treeBytes = checked((int)(nodeCount * (ulong)recordSize / 4));
            var tree = new byte[treeBytes];
            using (var file = File.OpenRead(path))
            {
                file.ReadExactly(tree);
            }

            return new MmdbDatabase(path, reader, tree, nodeCount, recordSize);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The record for an address (16 bytes for IPv6, 4 for IPv4), or null where the database has none.</summary>
    /// <remarks><paramref name="id"/> identifies the record (its data offset): equal ids, equal records.</remarks>
    public MmdbRecord? Find(ReadOnlySpan<byte> address, out uint id)
    {
        id = uint.MaxValue;
        if (address.Length == 4)
        {
            return FindFrom(Metadata.IPVersion == 4 ? 0 : _ipv4Start, address, 32, out id);
        }

        return Metadata.IPVersion == 4 ? null : FindFrom(0, address, 128, out id);
    }

    public void Dispose() => _reader.Dispose();

    private MmdbRecord? FindFrom(uint node, ReadOnlySpan<byte> address, int bits, out uint id)
    {
        id = uint.MaxValue;
        for (var i = 0; i < bits && node < _nodeCount; i++)
        {
            var bit = (address[i >> 3] >> (7 - (i & 7))) & 1;
            node = ReadRecord(node, bit);
        }

        if (node == _nodeCount || node < _nodeCount)
        {
            return null; // no data for this network
        }

        var offset = node - _nodeCount - 16;
        id = offset;
        if (_records.TryGetValue(offset, out var cached))
        {
            return cached;
        }

        // First time this record is seen: let MaxMind.Db decode it (by looking the address up), then keep it.
        var ip = new IPAddress(address);
        var decoded = MmdbRecord.From(_reader.Find<Dictionary<string, object>>(ip));
        return _records.GetOrAdd(offset, decoded);
    }

    private uint ReadRecord(uint node, int bit)
    {
        var tree = _tree.AsSpan();
        switch (_recordSize)
        {
            case 24:
            {
                var at = (int)(node * 6) + (bit * 3);
                return (uint)((tree[at] << 16) | (tree[at + 1] << 8) | tree[at + 2]);
            }

            case 28:
            {
                var at = (int)(node * 7);
                if (bit == 0)
                {
                    return (uint)(((tree[at + 3] & 0xF0) << 20) | (tree[at] << 16) | (tree[at + 1] << 8) | tree[at + 2]);
                }

                return (uint)(((tree[at + 3] & 0x0F) << 24) | (tree[at + 4] << 16) | (tree[at + 5] << 8) | tree[at + 6]);
            }

            default:
                return BinaryPrimitives.ReadUInt32BigEndian(tree[((int)(node * 8) + (bit * 4))..]);
        }
    }

    // The tree's shape (node count, record size) is not public in MaxMind.Db 5.2.0; it is read once here.
    private static object Internal(Metadata metadata, string property)
        => typeof(Metadata).GetProperty(property, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(metadata)
           ?? throw new InvalidOperationException($"MaxMind.Db no longer exposes Metadata.{property}; update MmdbDatabase.");
}
