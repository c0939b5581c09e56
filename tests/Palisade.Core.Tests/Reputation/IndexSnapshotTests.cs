using System.Buffers.Binary;
using System.Text.Json;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Core.Scoring;
using Palisade.Core.Tests.Blocklists;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Reputation;

/// <summary>The index written to a snapshot and read back answers as the index it was written from (issue 15: restarts
/// read the snapshot instead of replaying every report); a file that is not a whole snapshot is refused.</summary>
public sealed class IndexSnapshotTests
{
    private static readonly string[] Addresses = ["45.9.0.1", "45.9.0.2", "2001:db8:1:2::10", "2001:db8:1:2::11", "185.220.101.7"];

    private readonly TestClock _clock = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private long _nextReport;

    private ReputationIndex NewIndex(ReporterBook? reporters = null)
        => new(new ScoreCalculator(new ScoringOptions()), new WhitelistProvider(BuiltInWhitelist.Load()), new ReputationOptions(), _clock, reporters);

    private StoredReport Report(string address, TimeSpan ago, long key, int[] categories, string? protocol = "ssh", int? port = 22,
        string? username = null, string? email = null, ReporterKind kind = ReporterKind.Community, double trust = 1.0)
    {
        var at = _clock.UtcNow - ago;
        return new StoredReport(++_nextReport, address, key, kind, trust, categories, protocol, port, username, "a comment", at, at, ReportSource.Local,
            null, null, email);
    }

    // A varied index: several reporters and kinds, multi-category reports, ports, usernames, e-mail addresses, an IPv6
    // /64 with two members, reports inside and outside the duplicate window.
    private ReputationIndex Populated()
    {
        var index = NewIndex();
        index.Apply(Report(Addresses[0], TimeSpan.FromDays(3), 1, [CategoryCatalog.BruteForce, CategoryCatalog.PortScan], username: "root"));
        index.Apply(Report(Addresses[0], TimeSpan.FromHours(5), 2, [CategoryCatalog.BruteForce], username: "admin", trust: 0.4));
        index.Apply(Report(Addresses[0], TimeSpan.FromMinutes(3), 3, [CategoryCatalog.WebExploit], protocol: "http", port: 8080, kind: ReporterKind.Sensor));
        index.Apply(Report(Addresses[1], TimeSpan.FromDays(1), 1, [CategoryCatalog.Spam], protocol: "smtp", port: 25, email: "spam@example.com"));
        index.Apply(Report(Addresses[2], TimeSpan.FromHours(2), 2, [CategoryCatalog.PortScan], protocol: null, port: null));
        index.Apply(Report(Addresses[3], TimeSpan.FromMinutes(1), 4, [CategoryCatalog.BruteForce, CategoryCatalog.Ddos], username: "root"));
        index.Apply(Report(Addresses[4], TimeSpan.FromDays(6), 5, [CategoryCatalog.Phishing], protocol: "https", port: 443, email: "spam@example.com"));
        return index;
    }

    private static MemoryStream Written(ReputationIndex index, DateTimeOffset now)
    {
        var stream = new MemoryStream();
        IndexSnapshot.Write(index, stream, now);
        stream.Position = 0;
        return stream;
    }

    private ReputationIndex ReadBack(Stream stream, DateTimeOffset? reportsFrom = null)
    {
        var contents = IndexSnapshot.Read(stream, reportsFrom ?? _clock.UtcNow.AddDays(-30), _clock.UtcNow - ReportLimits.DuplicateWindow);
        var restored = NewIndex();
        restored.Adopt(contents.Addresses, contents.Protocols, null);
        return restored;
    }

    private static string Answer(ReputationIndex index, string address)
    {
        Assert.True(IpAddressParser.TryParse(address, out var parsed, out _));
        var check = index.Check(parsed, CheckQuery.Default);
        return JsonSerializer.Serialize(new
        {
            check.Address.Text, check.Found, check.Score, check.Breakdown, check.FirstSeen, check.LastSeen, check.TotalSessions, check.TotalEvents,
            check.Protocols, check.Behaviours, check.Primitives, check.Categories, check.Timeline, prefix = index.Prefix64(address),
        });
    }

    [Fact]
    public void Receipts_within_the_duplicate_window_are_read_back_including_several_of_one_address()
    {
        var index = NewIndex();
        var receipts = new List<long>();
        for (var i = 0; i < 3_000; i++)
        {
            var report = Report($"45.12.{i / 250}.{i % 250}", TimeSpan.FromMinutes(2), 1, [CategoryCatalog.BruteForce]);
            index.Apply(report);
            receipts.Add(report.Id);
        }

        var scan = Report(Addresses[0], TimeSpan.FromMinutes(4), 1, [CategoryCatalog.PortScan]);
        var brute = Report(Addresses[0], TimeSpan.FromMinutes(3), 1, [CategoryCatalog.BruteForce]);
        var again = Report(Addresses[0], TimeSpan.FromMinutes(1), 2, [CategoryCatalog.BruteForce]);
        foreach (var report in new[] { scan, brute, again })
        {
            index.Apply(report);
        }

        var restored = ReadBack(Written(index, _clock.UtcNow));

        Assert.Equal(receipts[2_999], restored.FindDuplicate(1, "45.12.11.249", [CategoryCatalog.BruteForce], _clock.UtcNow));
        Assert.Equal(scan.Id, restored.FindDuplicate(1, Addresses[0], [CategoryCatalog.PortScan], _clock.UtcNow));
        Assert.Equal(brute.Id, restored.FindDuplicate(1, Addresses[0], [CategoryCatalog.BruteForce], _clock.UtcNow));
        Assert.Equal(again.Id, restored.FindDuplicate(2, Addresses[0], [CategoryCatalog.BruteForce], _clock.UtcNow));
    }

    [Fact]
    public void A_snapshot_read_back_answers_every_check_usernames_emails_and_duplicates_as_the_index_it_was_written_from()
    {
        var index = Populated();
        var restored = ReadBack(Written(index, _clock.UtcNow));

        Assert.Equal(index.Count, restored.Count);
        foreach (var address in Addresses)
        {
            Assert.Equal(Answer(index, address), Answer(restored, address));
            Assert.Equal(index.Score(address).Score, restored.Score(address).Score);
        }

        Assert.Equal(JsonSerializer.Serialize(index.FindUsername("root")), JsonSerializer.Serialize(restored.FindUsername("root")));
        Assert.Equal(2, restored.FindUsername("root")!.TotalSessions);
        Assert.Equal(JsonSerializer.Serialize(index.FindEmail("spam@example.com")), JsonSerializer.Serialize(restored.FindEmail("spam@example.com")));

        // The report of three minutes ago is still a duplicate after the restart; the one of five hours ago is not.
        Assert.NotNull(restored.FindDuplicate(3, Addresses[0], [CategoryCatalog.WebExploit], _clock.UtcNow));
        Assert.Null(restored.FindDuplicate(2, Addresses[0], [CategoryCatalog.BruteForce], _clock.UtcNow));

        // Evidence applied after the restore adds to what was read back.
        var before = restored.Score(Addresses[1]).Score;
        restored.Apply(Report(Addresses[1], TimeSpan.Zero, 6, [CategoryCatalog.Spam], protocol: "smtp", port: 25));
        Assert.True(restored.Score(Addresses[1]).Score > before);
    }

    [Fact]
    public void A_restored_index_keys_its_address_hash_as_the_writer_did_and_each_new_index_draws_its_own_key()
    {
        // The restart fills its table in the writer's slot order only when it hashes with the writer's key; a key that
        // were the same everywhere would let a reporter choose addresses that pile up in one probe run.
        var index = Populated();
        var restored = ReadBack(Written(index, _clock.UtcNow));

        Assert.Equal(index.AddressSeed, restored.AddressSeed);
        Assert.NotEqual(index.AddressSeed, NewIndex().AddressSeed);
        Assert.NotEqual(NewIndex().AddressSeed, NewIndex().AddressSeed);
    }

    [Fact]
    public void A_snapshot_of_the_previous_format_without_the_hash_key_is_read_as_the_index_it_was_written_from()
    {
        // Format 2 (addresses as bytes, no key of the table's hash): the format 3 file without those 8 bytes.
        var index = Populated();
        var current = Written(index, _clock.UtcNow).ToArray();
        int seedAt;
        using (var header = new BinaryReader(new MemoryStream(current)))
        {
            header.ReadBytes(16);
            Assert.Equal(IndexSnapshot.FormatVersion, header.ReadInt32());
            header.ReadInt64();
            header.Read7BitEncodedInt64();
            header.ReadString();
            header.ReadInt64();
            header.ReadInt32();
            seedAt = (int)header.BaseStream.Position;
        }

        var file = new MemoryStream();
        file.Write(current.AsSpan(0, seedAt));
        file.Write(current.AsSpan(seedAt + 8, current.Length - 8 - seedAt - 8));
        BinaryPrimitives.WriteInt32LittleEndian(file.GetBuffer().AsSpan(16), 2);
        file.Write(System.IO.Hashing.XxHash64.Hash(file.ToArray()));
        file.Position = 0;
        var restored = ReadBack(file);

        Assert.Equal(index.Count, restored.Count);
        foreach (var address in Addresses)
        {
            Assert.Equal(Answer(index, address), Answer(restored, address));
        }
    }

    [Fact]
    public void A_snapshot_of_the_previous_format_with_addresses_as_text_is_read_as_the_index_it_was_written_from()
    {
        // The first start after an upgrade reads the snapshot the previous version wrote (format 1: each address as its
        // text) instead of loading every report from the store. Written here field by field as format 1 wrote it.
        var index = NewIndex();
        var reports = new[]
        {
            Report("192.0.2.7", TimeSpan.FromHours(2), 1, [CategoryCatalog.BruteForce], username: "root"),
            Report("2001:db8::7", TimeSpan.FromHours(1), 2, [CategoryCatalog.WebExploit], protocol: "http", port: 8080),
        };
        foreach (var report in reports)
        {
            index.Apply(report);
        }

        var file = new MemoryStream();
        using (var writer = new BinaryWriter(file, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("PALISADE-INDEX\n\0"u8);
            writer.Write(1);
            writer.Write(_clock.UtcNow.UtcTicks);
            writer.Write7BitEncodedInt64(0);
            writer.Write("");
            writer.Write(0L);
            writer.Write(reports.Length);
            writer.Write7BitEncodedInt(0);
            int protocols = 0, names = 0; // two tables of texts, each numbered from 1
            foreach (var report in reports)
            {
                writer.Write((byte)1);
                writer.Write(report.Address);
                writer.Write7BitEncodedInt64(1);
                writer.Write(report.ReportedAt.UtcTicks);
                writer.Write(report.ReportedAt.UtcTicks);
                writer.Write7BitEncodedInt(1);
                writer.Write7BitEncodedInt64(report.Id);
                writer.Write7BitEncodedInt64(report.KeyId);
                writer.Write((byte)report.Kind);
                writer.Write(report.Trust);
                writer.Write7BitEncodedInt(report.Categories[0]);
                writer.Write7BitEncodedInt(++protocols); // a new protocol text follows
                writer.Write(report.Protocol!);
                writer.Write7BitEncodedInt(report.Port!.Value + 1);
                if (report.Username is { } username)
                {
                    writer.Write7BitEncodedInt(++names);
                    writer.Write(username);
                }
                else
                {
                    writer.Write7BitEncodedInt(0);
                }

                writer.Write(report.ReportedAt.UtcTicks);
                writer.Write((byte)report.Source);
                writer.Write7BitEncodedInt(0); // no e-mail
                writer.Write7BitEncodedInt(0); // no receipts (outside the duplicate window)
            }

            writer.Write((byte)0);
            writer.Write7BitEncodedInt(reports.Length);
            writer.Write7BitEncodedInt64(reports.Length);
        }

        file.Write(System.IO.Hashing.XxHash64.Hash(file.ToArray()));
        file.Position = 0;
        var restored = ReadBack(file);

        Assert.Equal(2, restored.Count);
        foreach (var report in reports)
        {
            Assert.Equal(Answer(index, report.Address), Answer(restored, report.Address));
            Assert.Equal(report.Address, restored.Find(report.Address)!.Address);
        }

        Assert.Equal(1, restored.FindUsername("root")!.TotalSessions);
    }

    [Fact]
    public void A_report_already_read_back_is_not_applied_twice_when_replayed()
    {
        var index = Populated();
        var last = Report("45.9.0.9", TimeSpan.FromMinutes(2), 1, [CategoryCatalog.BruteForce]);
        index.Apply(last);
        var restored = ReadBack(Written(index, _clock.UtcNow));

        Assert.False(restored.ApplyRemote(last));
        Assert.Equal(1, restored.Find("45.9.0.9")!.TotalReports);
    }

    [Fact]
    public void The_reporters_records_travel_with_the_snapshot()
    {
        var book = new ReporterBook();
        var index = NewIndex(book);
        index.Apply(Report(Addresses[0], TimeSpan.FromDays(2), 1, [CategoryCatalog.BruteForce]));
        index.Apply(Report(Addresses[0], TimeSpan.FromDays(2), 2, [CategoryCatalog.BruteForce]));
        book.Recompute(index, null, _clock.UtcNow);
        Assert.Equal(1, book.RecordOf(1).Corroborated);

        var contents = IndexSnapshot.Read(Written(index, _clock.UtcNow), _clock.UtcNow.AddDays(-30), _clock.UtcNow);
        var restoredBook = new ReporterBook();
        restoredBook.RestoreRecords(contents.Records);
        Assert.True(restoredBook.RecordsRestored);
        Assert.Equal(book.RecordOf(1), restoredBook.RecordOf(1));
        Assert.Equal(book.RecordOf(2), restoredBook.RecordOf(2));
    }

    [Fact]
    public void Facts_past_the_retention_are_dropped_when_read_as_a_load_from_the_store_would_skip_them()
    {
        var index = Populated();
        var restored = ReadBack(Written(index, _clock.UtcNow), reportsFrom: _clock.UtcNow.AddDays(-2));

        Assert.Null(restored.Find(Addresses[4])); // its one report is six days old
        var kept = restored.Find(Addresses[0])!;
        Assert.Equal(2, kept.TotalReports); // the three-day-old report is gone, its two facts with it
        Assert.Equal(_clock.UtcNow - TimeSpan.FromHours(5), kept.FirstSeen);
        Assert.Equal(1, restored.FindUsername("root")!.TotalSessions); // the /64 member's report; 45.9.0.1's was three days old
    }

    [Fact]
    public void A_damaged_truncated_or_foreign_file_is_refused()
    {
        var bytes = Written(Populated(), _clock.UtcNow).ToArray();

        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x20;
        Assert.Throws<InvalidDataException>(() => ReadBack(new MemoryStream(flipped)));

        Assert.Throws<InvalidDataException>(() => ReadBack(new MemoryStream(bytes[..^20])));
        Assert.Throws<InvalidDataException>(() => ReadBack(new MemoryStream(bytes[..^8])));
        Assert.Throws<InvalidDataException>(() => ReadBack(new MemoryStream([.. bytes, 0])));
        Assert.Throws<InvalidDataException>(() => ReadBack(new MemoryStream("SQLite format 3\0 and so on, long enough"u8.ToArray())));

        var otherVersion = (byte[])bytes.Clone();
        otherVersion[16] = 99; // the format version follows the 16-byte magic
        var refused = Assert.Throws<InvalidDataException>(() => ReadBack(new MemoryStream(otherVersion)));
        Assert.Contains("format 99", refused.Message, StringComparison.Ordinal);

        // The intact file still reads.
        Assert.Equal(Addresses.Length, ReadBack(new MemoryStream(bytes)).Count);
    }

    [Fact]
    public void The_snapshot_names_the_last_report_applied_before_it_was_written()
    {
        var index = Populated();
        var contents = IndexSnapshot.Read(Written(index, _clock.UtcNow), _clock.UtcNow.AddDays(-30), _clock.UtcNow);

        Assert.Equal(_nextReport, contents.Header.LastReportId);
        Assert.Equal(Addresses[4], contents.Header.LastReportAddress);
        Assert.Equal(Addresses.Length, contents.Header.Addresses);
        Assert.Equal(7, contents.Header.Reports);
    }
}
