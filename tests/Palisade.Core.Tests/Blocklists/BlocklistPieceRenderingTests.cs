using System.Buffers;
using System.IO.Compression;
using System.IO.Hashing;
using System.Net;
using System.Text;
using System.Text.Json;
using Palisade.Core.Blocklists;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Blocklists;

/// <summary>
/// Lists are cached in pieces per score and slot region and re-rendered only where the data changed: whatever the
/// history, the bytes sent must be exactly what rendering the whole selection at once gives, gzipped or not.
/// </summary>
public sealed class BlocklistPieceRenderingTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public void Dispose() => _f.Dispose();

    /// <summary>The whole selection rendered in one go, no cache: what the pieces must add up to.</summary>
    private static string Reference(BlocklistSelection selection, BlocklistLayout layout)
    {
        var output = new ArrayBufferWriter<byte>();
        layout.WriteHead(selection, output);
        if (selection.Count > 0)
        {
            layout.WriteEntries(selection, 0, selection.Count, output);
        }

        layout.WriteTail(selection, output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static byte[] Sent(RenderedBlocklist rendered)
    {
        using var bytes = new MemoryStream();
        rendered.WriteToAsync(bytes, CancellationToken.None).GetAwaiter().GetResult();
        if (rendered.Length is { } length)
        {
            Assert.Equal(length, bytes.Length);
        }

        return bytes.ToArray();
    }

    private static string Gunzip(byte[] gzipped)
    {
        using var input = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static void AssertSentEqualsReference(BlocklistEngine engine, BlocklistQuery query)
    {
        var selection = engine.Select(query);
        foreach (var layout in (BlocklistLayout[])[BlocklistFormatLayout.For(BlocklistFormat.Plaintext), BlocklistFormatLayout.For(BlocklistFormat.Csv),
                     BlocklistFormatLayout.For(BlocklistFormat.Ipset), TestJsonLayout.Instance])
        {
            var expected = Reference(selection, layout);
            Assert.Equal(expected, Encoding.UTF8.GetString(Sent(engine.Render(selection, layout))));
            var gzipped = engine.Render(selection, layout, gzip: true);
            Assert.True(gzipped.Gzipped);
            Assert.Equal(expected, Gunzip(Sent(gzipped)));
        }

        // nftables adds elements with one statement per piece, so only the elements are compared.
        static IEnumerable<string> Elements(string nft) => nft.Split('\n').Where(l => l.StartsWith("    ", StringComparison.Ordinal) && l.EndsWith(',')).Order(StringComparer.Ordinal);
        var nftables = BlocklistFormatLayout.For(BlocklistFormat.Nftables);
        Assert.Equal(Elements(Reference(selection, nftables)), Elements(Encoding.UTF8.GetString(Sent(engine.Render(selection, nftables)))));
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Sent(engine.Render(selection, TestJsonLayout.Instance))));
        Assert.Equal(selection.Count, json.RootElement.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public void Pieces_kept_through_reports_whitelisting_and_time_add_up_to_the_whole_rendering()
    {
        var random = new Random(7);
        // Three slot regions and then some, so unchanged regions are reused while one is re-rendered.
        for (var i = 0; i < 40_000; i++)
        {
            _f.RandomReport(random, 40_000);
            _f.RandomReport(random, 40_000);
        }

        var all = new BlocklistQuery { ScoreMinimum = 0 };
        var filtered = new BlocklistQuery { ScoreMinimum = 10, IpVersion = IpVersionFilter.V4, Limit = 20_000 };
        var aged = new BlocklistQuery { ScoreMinimum = 0, MaxAgeDays = 10 };
        Assert.True(_f.Engine.Select(all).Count > 2 << BlocklistSnapshot.RegionBits, "more than two regions of addresses");
        for (var round = 0; round < 12; round++)
        {
            for (var n = random.Next(1, 5); n > 0; n--)
            {
                _f.RandomReport(random, 42_000);
            }

            if (round == 5)
            {
                _f.Whitelist.SetOperatorEntries([new WhitelistEntry(IPNetwork.Parse("45.0.1.0/24"), "partner", 0.5, "operator")]);
            }

            if (round == 8)
            {
                _f.Clock.UtcNow += TimeSpan.FromHours(3); // a new score bucket: decayed scores, a full rebuild
            }

            AssertSentEqualsReference(_f.Engine, round % 3 == 0 ? all : round % 3 == 1 ? filtered : aged);
        }
    }

    [Fact]
    public void After_one_report_only_the_pieces_of_one_region_are_rendered_again()
    {
        // About 63,000 addresses: four regions of 16,384 slots (which region the report lands in depends on the slot order).
        var random = new Random(11);
        for (var i = 0; i < 100_000; i++)
        {
            _f.RandomReport(random, 100_000);
        }

        var query = new BlocklistQuery { ScoreMinimum = 0 };
        var layout = BlocklistFormatLayout.For(BlocklistFormat.Plaintext);
        var before = _f.Engine.Render(_f.Engine.Select(query), layout);
        _f.RandomReport(random, 100_000);
        var after = _f.Engine.Render(_f.Engine.Select(query), layout);

        Assert.NotSame(before, after);
        var reused = after.Pieces.Count(p => before.Pieces.Any(q => q.Bytes.Length > 0 && p.Bytes.Equals(q.Bytes)));
        // Four regions: at most the pieces of one (plus the head) are new.
        Assert.True(reused >= after.Pieces.Count / 2, $"{reused} of {after.Pieces.Count} pieces reused");
        Assert.Equal(Reference(_f.Engine.Select(query), layout), Encoding.UTF8.GetString(Sent(after)));
    }

    [Fact]
    public void Lists_with_other_score_minimums_are_assembled_from_the_full_lists_pieces_and_each_is_exactly_its_list()
    {
        var random = new Random(13);
        for (var i = 0; i < 40_000; i++)
        {
            _f.RandomReport(random, 40_000);
        }

        // The first build renders the full plaintext list; a firewall then asks for its own minimum.
        var layout = BlocklistFormatLayout.For(BlocklistFormat.Plaintext);
        var full = _f.Engine.Render(_f.Engine.Select(new BlocklistQuery { ScoreMinimum = 0 }), layout);
        var fifty = _f.Engine.Render(_f.Engine.Select(new BlocklistQuery()), layout);
        var entries = fifty.Pieces.Where(p => p.Bytes.Length > 0).ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, p => Assert.Contains(full.Pieces, q => p.Bytes.Equals(q.Bytes)));

        // Minimums in turn, with reports and a new score bucket between them: each list is exactly its own rendering,
        // in every layout, and a higher minimum rendered last does not cost the lower one its pieces.
        int[] minimums = [90, 0, 50, 100, 0, 25];
        for (var round = 0; round < minimums.Length; round++)
        {
            _f.RandomReport(random, 41_000);
            if (round == 3)
            {
                _f.Clock.UtcNow += TimeSpan.FromHours(3);
            }

            AssertSentEqualsReference(_f.Engine, new BlocklistQuery { ScoreMinimum = minimums[round] });
            AssertSentEqualsReference(_f.Engine, new BlocklistQuery { ScoreMinimum = minimums[round], IpVersion = IpVersionFilter.V4, Limit = 5_000 });
        }

        var high = _f.Engine.Render(_f.Engine.Select(new BlocklistQuery { ScoreMinimum = 60 }), layout);
        var again = _f.Engine.Render(_f.Engine.Select(new BlocklistQuery { ScoreMinimum = 0 }), layout);
        Assert.Same(again, _f.Engine.Render(_f.Engine.Select(new BlocklistQuery { ScoreMinimum = 0 }), layout));
        Assert.All(high.Pieces.Where(p => p.Bytes.Length > 0), p => Assert.Contains(again.Pieces, q => p.Bytes.Equals(q.Bytes)));
    }

    [Fact]
    public void A_list_too_large_to_cache_is_rendered_while_sending_with_the_same_bytes()
    {
        var random = new Random(3);
        for (var i = 0; i < 5_000; i++)
        {
            _f.RandomReport(random, 5_000);
        }

        var small = new BlocklistEngine(_f.Index, _f.Geo, _f.Clock, renderCacheBytes: 10_000);
        var selection = small.Select(new BlocklistQuery { ScoreMinimum = 0 });
        var streamed = small.Render(selection, TestJsonLayout.Instance);
        Assert.Null(streamed.Length);
        Assert.Equal(Reference(selection, TestJsonLayout.Instance), Encoding.UTF8.GetString(Sent(streamed)));
        var gzipped = small.Render(selection, TestJsonLayout.Instance, gzip: true);
        Assert.Null(gzipped.Length);
        Assert.Equal(Reference(selection, TestJsonLayout.Instance), Gunzip(Sent(gzipped)));
    }

    [Fact]
    public void A_cut_list_is_the_prefix_of_the_whole_list()
    {
        var random = new Random(5);
        for (var i = 0; i < 3_000; i++)
        {
            _f.RandomReport(random, 3_000);
        }

        var whole = _f.Engine.Select(new BlocklistQuery { ScoreMinimum = 0 });
        var wholeText = Encoding.UTF8.GetString(Sent(_f.Engine.Render(whole, BlocklistFormat.Plaintext)));
        foreach (var count in (int[])[0, 1, 777, whole.Count - 1])
        {
            var cut = Encoding.UTF8.GetString(Sent(_f.Engine.Render(whole.Take(count), BlocklistFormat.Plaintext)));
            Assert.Equal(string.Concat(wholeText.Split('\n').Take(count).Select(l => l + "\n")), cut);
        }
    }

    [Fact]
    public void Crc_of_joined_pieces_is_combined_from_the_pieces()
    {
        var random = new Random(1);
        var a = new byte[random.Next(1, 5000)];
        var b = new byte[random.Next(1, 70_000)];
        random.NextBytes(a);
        random.NextBytes(b);
        Assert.Equal(Crc32.HashToUInt32([.. a, .. b]), GzipPieces.Combine(Crc32.HashToUInt32(a), Crc32.HashToUInt32(b), b.Length));
        Assert.Equal(Crc32.HashToUInt32(a), GzipPieces.Combine(Crc32.HashToUInt32(a), 0, 0));
    }

    /// <summary>A face-like JSON shape: <c>{"data":[{"ip":…,"score":…}]}</c>.</summary>
    private sealed class TestJsonLayout : JsonBlocklistLayout
    {
        public static TestJsonLayout Instance { get; } = new();

        public override string Name => "test-json";

        protected override ReadOnlySpan<byte> Tail => "]}"u8;

        protected override void WriteHead(BlocklistSelection selection, Utf8JsonWriter json)
        {
            json.WriteStartObject();
            json.WriteNumber("count", selection.Count);
            json.WriteStartArray("data");
        }

        protected override void WriteEntry(in BlocklistEntry entry, Utf8JsonWriter json)
        {
            json.WriteStartObject();
            json.WriteString("ip", entry.Address);
            json.WriteNumber("score", entry.Score);
            json.WriteEndObject();
        }
    }
}
