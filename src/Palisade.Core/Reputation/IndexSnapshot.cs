using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;
using Palisade.Core.Addresses;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;

namespace Palisade.Core.Reputation;

/// <summary>
/// The reputation index in one file, so that a restart reads it back instead of replaying every stored report through
/// the object model (at a million addresses that replay took ~8 s, and the reporter-standing pass after it ~2.5 s).
/// Versioned and checksummed; it names the last report it holds, so a restart replays only the reports stored after it
/// (<see cref="IndexRestore"/>) and can tell a snapshot that is not of its store. The store stays the source of truth:
/// a snapshot that is damaged, stale or of another store is ignored and the index is rebuilt from the store.
/// </summary>
/// <remarks>
/// Layout, little-endian, counts and ids 7-bit encoded: a magic and the format version; when it was written; the last
/// report it holds (id, address, received time); every reporter's record; per address a 1, the address, its counters,
/// its facts and its duplicate-window receipts; a 0; the numbers of addresses and reports written; an XxHash64 of every
/// byte before it. Texts (protocols, usernames, e-mail addresses) are written once and referred to by number after that,
/// which also makes the facts read back share one string per text.
/// </remarks>
public static class IndexSnapshot
{
    /// <summary>Changes whenever the layout does; a snapshot of another version is not read (the store is).</summary>
    /// <remarks>Format 2 writes each address as its 4 or 16 bytes (marker 1 or 2) instead of its text (format 1); format 3
    /// adds the key of the address table's hash (<see cref="AddressTable.Seed"/>), so the read fills its table in order.
    /// Both earlier formats are still read: a snapshot written by the previous version spares the upgrade's first start a
    /// load from the store.</remarks>
    public const int FormatVersion = 3;

    private const int TextAddressFormat = 1;
    private const int BinaryAddressFormat = 2;
    private const byte EndMarker = 0, IPv4Marker = 1, IPv6Marker = 2;

    private static ReadOnlySpan<byte> Magic => "PALISADE-INDEX\n\0"u8;
    private const int BufferSize = 1 << 16;

    /// <summary>What a snapshot says about itself.</summary>
    /// <param name="WrittenAt">When the writing started: every report applied before then is in it.</param>
    /// <param name="LastReportId">The highest report id applied when the writing started (0: none); reports after it are replayed.</param>
    /// <param name="LastReportAddress">That report's address (the store must hold the same report).</param>
    /// <param name="LastReportReceivedAtMs">That report's received time, in Unix milliseconds as stored.</param>
    /// <param name="Addresses">Addresses written.</param>
    /// <param name="Reports">Retained reports written (over all addresses).</param>
    public sealed record Header(DateTimeOffset WrittenAt, long LastReportId, string LastReportAddress, long LastReportReceivedAtMs, int Addresses,
        long Reports);

    /// <summary>A snapshot read back, not yet adopted by an index.</summary>
    public sealed class Contents
    {
        internal Contents(Header header, IReadOnlyDictionary<long, ReporterRecord> records, AddressTable addresses,
            IReadOnlyList<string> protocols, long reportsKept)
        {
            Header = header;
            Records = records;
            Addresses = addresses;
            Protocols = protocols;
            ReportsKept = reportsKept;
        }

        public Header Header { get; }

        /// <summary>Every reporter's record when the snapshot was written.</summary>
        public IReadOnlyDictionary<long, ReporterRecord> Records { get; }

        /// <summary>Addresses kept (those with facts reported at or after the reading's cut-off).</summary>
        public int AddressCount => Addresses.Count;

        internal AddressTable Addresses { get; }

        /// <summary>Reports held by the addresses kept (those within the retention), as the store should count them.</summary>
        internal long ReportsKept { get; }

        internal IReadOnlyList<string> Protocols { get; }
    }

    /// <summary>
    /// Writes the index to <paramref name="destination"/>. Runs beside the writers: each address is written under its own
    /// lock, and everything applied before the call is in the file (what is applied during it may be; a restart replays
    /// from <see cref="Header.LastReportId"/> and skips reports it holds already).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per process: tier-0 code would run all of it
    public static Header Write(ReputationIndex index, Stream destination, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(destination);
        var last = index.LastApplied;
        var records = index.Reporters.ExportRecords();
        var hash = new XxHash64();
        var hashing = new HashingStream(destination, hash);
        int addresses = 0;
        long reports = 0;
        using (var writer = new BinaryWriter(new BufferedStream(hashing, BufferSize), Encoding.UTF8, leaveOpen: false))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(now.UtcTicks);
            writer.Write7BitEncodedInt64(last?.Id ?? 0);
            writer.Write(last?.Address ?? "");
            writer.Write(last?.ReceivedAt.ToUnixTimeMilliseconds() ?? 0);
            writer.Write(index.Count);
            writer.Write(index.AddressSeed);
            writer.Write7BitEncodedInt(records.Count);
            foreach (var (reporter, record) in records)
            {
                writer.Write7BitEncodedInt64(reporter);
                writer.Write7BitEncodedInt64(record.Corroborated);
                writer.Write7BitEncodedInt64(record.Uncorroborated);
                writer.Write7BitEncodedInt64(record.Withdrawn);
            }

            var protocols = new Dictionary<string, int>(StringComparer.Ordinal);
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            var slab = index.Receipts;
            var recent = new List<AddressReputation.Receipt>();
            foreach (var entry in index.Addresses)
            {
                lock (entry.Gate)
                {
                    var facts = entry.Facts;
                    if (facts.Count == 0)
                    {
                        continue; // purged while this ran
                    }

                    WriteKey(writer, entry.Key);
                    writer.Write7BitEncodedInt64(entry.TotalReports);
                    writer.Write(entry.FirstSeenTicks);
                    writer.Write(entry.LastSeenTicks);
                    writer.Write7BitEncodedInt(facts.Count);
                    foreach (var fact in facts)
                    {
                        writer.Write7BitEncodedInt64(fact.ReportId);
                        writer.Write7BitEncodedInt64(fact.KeyId);
                        writer.Write((byte)fact.Kind);
                        writer.Write(fact.Trust);
                        writer.Write7BitEncodedInt(fact.CategoryId);
                        WriteText(writer, protocols, fact.Protocol);
                        writer.Write7BitEncodedInt(fact.Port is { } port ? port + 1 : 0);
                        WriteText(writer, names, fact.Username);
                        writer.Write(fact.AtTicks);
                        writer.Write((byte)fact.Source);
                        WriteText(writer, names, fact.Email);
                    }

                    slab.CopyOldestFirst(entry.Receipts, recent);
                    writer.Write7BitEncodedInt(recent.Count);
                    foreach (var receipt in recent)
                    {
                        writer.Write7BitEncodedInt64(receipt.ReportId);
                        writer.Write7BitEncodedInt64(receipt.KeyId);
                        writer.Write(receipt.ReceivedAtTicks);
                        writer.Write((ulong)receipt.Categories); // 8 bytes, as when they were 64 bits (Receipt.Fold reads both)
                    }

                    addresses++;
                    reports += entry.TotalReports;
                }
            }

            writer.Write(EndMarker);
            writer.Write7BitEncodedInt(addresses);
            writer.Write7BitEncodedInt64(reports);
        }

        Span<byte> digest = stackalloc byte[8];
        hash.GetCurrentHash(digest);
        destination.Write(digest);
        return new Header(now, last?.Id ?? 0, last?.Address ?? "", last?.ReceivedAt.ToUnixTimeMilliseconds() ?? 0, addresses, reports);
    }

    /// <summary>
    /// Reads a snapshot back. Facts reported before <paramref name="reportsFrom"/> are dropped (past the retention, as a load
    /// from the store would skip them) and receipts of reports received before <paramref name="recentFrom"/> (past the
    /// duplicate window). Throws <see cref="InvalidDataException"/> for a file that is not a whole, intact snapshot of
    /// this format.
    /// </summary>
    /// <param name="kept">Called with each address kept, right after it is read (while it is in the cache): the restart
    /// counts its usernames and e-mail addresses here instead of walking every address again afterwards.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per process, at start: tier-0 code would run all of it
    public static Contents Read(Stream source, DateTimeOffset reportsFrom, DateTimeOffset recentFrom, Action<AddressReputation>? kept = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var length = source.Length;
        if (length < Magic.Length + 8)
        {
            throw new InvalidDataException("The index snapshot is too short to be one.");
        }

        var hash = new XxHash64();
        try
        {
            var reader = new Input(source, hash, length - 8);
            if (!reader.Bytes(Magic.Length).SequenceEqual(Magic))
            {
                throw new InvalidDataException("The file is not an index snapshot.");
            }

            var version = reader.Int32();
            if (version is not (FormatVersion or BinaryAddressFormat or TextAddressFormat))
            {
                throw new InvalidDataException($"The index snapshot has format {version}; this version reads format {FormatVersion}.");
            }

            var writtenAt = new DateTimeOffset(reader.Int64(), TimeSpan.Zero);
            var lastId = reader.Varint();
            var lastAddress = reader.Text();
            var lastReceivedMs = reader.Int64();
            var capacity = Math.Clamp(reader.Int32(), 0, 1 << 28);
            ulong? seed = version == FormatVersion ? (ulong)reader.Int64() : null;
            var recordCount = reader.Count(1 << 24);
            var records = new Dictionary<long, ReporterRecord>(recordCount);
            for (var i = 0; i < recordCount; i++)
            {
                records[reader.Varint()] = new ReporterRecord(reader.Varint(), reader.Varint(), reader.Varint());
            }

            var addresses = new AddressTable(capacity, seed);
            var protocols = new List<string>();
            var names = new List<string>();
            var fromTicks = reportsFrom.UtcTicks;
            var recentTicks = recentFrom.UtcTicks;
            int addressesRead = 0;
            long reportsRead = 0, reportsKept = 0;
            while (reader.Byte() is var marker and not EndMarker)
            {
                var address = version == TextAddressFormat ? TextKey(reader.Text(), marker) : reader.Key(marker);
                var total = reader.Varint();
                var firstSeen = reader.Int64();
                var lastSeen = reader.Int64();
                var factCount = reader.Count(1 << 24);
                if (factCount == 0)
                {
                    throw new InvalidDataException($"The index snapshot gives {address} no facts.");
                }

                var entry = new AddressReputation(address, factCount);
                var dropped = false;
                for (var i = 0; i < factCount; i++)
                {
                    var reportId = reader.Varint();
                    var keyId = reader.Varint();
                    var kind = (ReporterKind)reader.Byte();
                    var trust = reader.Double();
                    var category = (int)reader.Varint();
                    var protocol = reader.Text(protocols);
                    var port = (int)reader.Varint();
                    var username = reader.Text(names);
                    var at = reader.Int64();
                    var reportSource = (ReportSource)reader.Byte();
                    var email = reader.Text(names);
                    if (at < fromTicks)
                    {
                        dropped = true;
                        continue;
                    }

                    entry.Facts.Add(new ReportFact(reportId, keyId, kind, trust, category, protocol, port == 0 ? null : port - 1, username,
                        new DateTimeOffset(at, TimeSpan.Zero), reportSource, email));
                }

                // Oldest first in the file; each goes in front of its chain, so the newest ends up first.
                var receipts = reader.Count(1 << 24);
                for (var i = 0; i < receipts; i++)
                {
                    var receipt = new AddressReputation.Receipt(reader.Varint(), reader.Varint(), reader.Int64(), AddressReputation.Receipt.Fold((ulong)reader.Int64()));
                    if (receipt.ReceivedAtTicks >= recentTicks)
                    {
                        addresses.Receipts.Push(ref entry.Receipts, receipt);
                    }
                }

                addressesRead++;
                reportsRead += total;
                if (dropped)
                {
                    if (entry.Facts.Count == 0)
                    {
                        addresses.Receipts.Clear(ref entry.Receipts);
                        continue;
                    }

                    Recount(entry);
                }
                else
                {
                    entry.Restore(total, firstSeen, lastSeen);
                }

                if (!addresses.TryAdd(entry))
                {
                    throw new InvalidDataException($"The index snapshot holds {address} twice.");
                }

                reportsKept += entry.TotalReports;
                kept?.Invoke(entry);
            }

            var addressesWritten = reader.Varint();
            var reportsWritten = reader.Varint();
            if (!reader.AtHashed)
            {
                throw new InvalidDataException("The index snapshot goes on past its end.");
            }

            Span<byte> computed = stackalloc byte[8];
            hash.GetCurrentHash(computed);
            if (!computed.SequenceEqual(reader.Bytes(8)) || !reader.AtEnd)
            {
                throw new InvalidDataException("The index snapshot's checksum does not match its contents (a damaged or partly written file).");
            }

            if (addressesWritten != addressesRead || reportsWritten != reportsRead)
            {
                throw new InvalidDataException(
                    $"The index snapshot says it holds {addressesWritten} addresses and {reportsWritten} reports, but {addressesRead} and {reportsRead} were read.");
            }

            return new Contents(new Header(writtenAt, lastId, lastAddress, lastReceivedMs, addressesRead, reportsWritten), records, addresses, protocols,
                reportsKept);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The index snapshot ends early (a partly written file).", ex);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidDataException("The index snapshot is damaged: " + ex.Message, ex);
        }
    }

    // Counters of an address some of whose facts were dropped: reports, first and last seen from what is left.
    private static void Recount(AddressReputation entry)
    {
        long total = 0, first = long.MaxValue, last = long.MinValue, previous = long.MinValue;
        foreach (var fact in entry.Facts)
        {
            if (fact.ReportId != previous)
            {
                total++;
                previous = fact.ReportId;
            }

            first = Math.Min(first, fact.AtTicks);
            last = Math.Max(last, fact.AtTicks);
        }

        entry.Restore(total, first, last);
    }

    // An address: its family's marker, then its 4 or 16 bytes in network order.
    private static void WriteKey(BinaryWriter writer, AddressKey key)
    {
        Span<byte> bytes = stackalloc byte[16];
        key.WriteBytes(bytes);
        writer.Write(key.IsIPv4 ? IPv4Marker : IPv6Marker);
        writer.Write(key.IsIPv4 ? bytes[12..] : bytes);
    }

    // Format 1: a marker of 1, then the canonical text.
    private static AddressKey TextKey(string text, byte marker)
        => marker == 1 && AddressKey.TryParse(text, out var key) ? key : throw new InvalidDataException($"The index snapshot holds '{text}' as an address.");

    // 0: none; n: the n-th text written so far; one more than the texts written: a new text follows.
    private static void WriteText(BinaryWriter writer, Dictionary<string, int> table, string? text)
    {
        if (text is null)
        {
            writer.Write7BitEncodedInt(0);
            return;
        }

        if (table.TryGetValue(text, out var number))
        {
            writer.Write7BitEncodedInt(number);
            return;
        }

        number = table.Count + 1;
        table[text] = number;
        writer.Write7BitEncodedInt(number);
        writer.Write(text);
    }

    /// <summary>
    /// The reading side: one buffer refilled from the file, values decoded straight from it (a million addresses are a
    /// hundred million small reads; through <see cref="BinaryReader"/> and <see cref="BufferedStream"/> each was a call
    /// chain), hashing what it reads up to the checksum.
    /// </summary>
    private sealed class Input(Stream source, XxHash64 hash, long hashed)
    {
        private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        private readonly byte[] _buffer = new byte[1 << 20];
        private int _position;
        private int _end;
        private long _consumedBefore; // file offset of _buffer[0]

        public bool AtHashed => _consumedBefore + _position == hashed;

        public bool AtEnd => _position == _end && Fill(1) == 0;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public ReadOnlySpan<byte> Bytes(int count)
        {
            Ensure(count);
            var span = _buffer.AsSpan(_position, count);
            _position += count;
            return span;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public byte Byte()
        {
            Ensure(1);
            return _buffer[_position++];
        }

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));

        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Bytes(8));

        // As BinaryWriter.Write7BitEncodedInt64 writes it: 7 bits a byte, low first, at most 10 bytes.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public long Varint()
        {
            if (_end - _position < 10)
            {
                Ensure(Math.Min(10, Remaining()));
            }

            ulong value = 0;
            for (var shift = 0; shift < 70; shift += 7)
            {
                if (_position == _end)
                {
                    throw new EndOfStreamException();
                }

                var b = _buffer[_position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return (long)value;
                }
            }

            throw new InvalidDataException("The index snapshot holds a number longer than any it writes.");
        }

        // An address as WriteKey writes it (the marker already read).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public AddressKey Key(byte marker) => marker switch
        {
            IPv4Marker => AddressKey.FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(Bytes(4))),
            IPv6Marker => AddressKey.FromBytes(Bytes(16)) is { IsIPv6: true } key
                ? key
                : throw new InvalidDataException("The index snapshot holds an IPv4 address as IPv6."),
            _ => throw new InvalidDataException($"The index snapshot holds an address marked {marker}."),
        };

        public int Count(int max)
        {
            var count = Varint();
            return count < 0 || count > max ? throw new InvalidDataException($"The index snapshot gives a count of {count}.") : (int)count;
        }

        // As BinaryWriter.Write(string) writes it: the UTF-8 length, then the bytes.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public string Text()
        {
            var length = Count(1 << 20);
            return Strict.GetString(Bytes(length));
        }

        // 0: none; n: the n-th text read so far; one more than those: a new text follows.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public string? Text(List<string> table)
        {
            var number = Varint();
            if (number == 0)
            {
                return null;
            }

            if (number > 0 && number <= table.Count)
            {
                return table[(int)number - 1];
            }

            if (number != table.Count + 1)
            {
                throw new InvalidDataException($"The index snapshot refers to text {number} before it was written.");
            }

            var text = Text();
            table.Add(text);
            return text;
        }

        private int Remaining() => (int)Math.Min(int.MaxValue, source.Length - (_consumedBefore + _position));

        private void Ensure(int count)
        {
            if (_end - _position < count && Fill(count) < count)
            {
                throw new EndOfStreamException();
            }
        }

        // Moves what is left to the front and reads until at least count bytes are buffered or the file ends.
        private int Fill(int count)
        {
            if (count > _buffer.Length)
            {
                throw new InvalidDataException($"The index snapshot holds a value of {count} bytes.");
            }

            var left = _end - _position;
            Buffer.BlockCopy(_buffer, _position, _buffer, 0, left);
            _consumedBefore += _position;
            _position = 0;
            _end = left;
            while (_end < count)
            {
                var read = source.Read(_buffer, _end, _buffer.Length - _end);
                if (read == 0)
                {
                    break;
                }

                // Hash the new bytes that lie before the checksum.
                var start = _consumedBefore + _end;
                var hashable = (int)Math.Clamp(hashed - start, 0, read);
                hash.Append(_buffer.AsSpan(_end, hashable));
                _end += read;
            }

            return _end;
        }
    }

    /// <summary>The writing side's pass-through: hashes every byte written (the checksum is written around it).</summary>
    private sealed class HashingStream(Stream inner, XxHash64 hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            hash.Append(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
