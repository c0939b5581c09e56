using System.Buffers;
using System.Text.Json;
using Palisade.Core.Blocklists;

namespace Palisade.Server.CrowdSec;

/// <summary>
/// The startup stream (<c>{"new":[…],"deleted":null}</c>) as a blocklist layout, so the engine renders and caches it in
/// pieces and gzips it from those pieces, as it does for the blocklists: a firewall bouncer's startup pull of 100,000
/// decisions is a copy of cached bytes, and Go clients (which send <c>Accept-Encoding: gzip</c>) receive it compressed.
/// Durations count from the snapshot's time (<see cref="DependsOnTime"/>): a snapshot lasts at most one score refresh
/// interval, and a bouncer learns of an entry leaving the list from the stream's <c>deleted</c> in any case.
/// </summary>
internal sealed class CrowdSecStreamLayout : BlocklistLayout
{
    private static readonly JsonWriterOptions Options = new() { SkipValidation = true };
    private static readonly ReadOnlyMemory<byte> Comma = ","u8.ToArray();

    public static CrowdSecStreamLayout Instance { get; } = new();

    public override string Name => "crowdsec-stream";

    public override string ContentType => "application/json; charset=utf-8";

    public override bool DependsOnTime => true;

    public override int EstimatedBytesPerEntry => 165;

    public override ReadOnlyMemory<byte> Separator => Comma;

    public override void WriteHead(BlocklistSelection selection, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write("{\"new\":["u8);
    }

    public override void WriteEntries(BlocklistSelection selection, int from, int to, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var now = selection.GeneratedAt;
        // Without validation the writer puts a comma between top-level values, which is what a piece of the array is.
        using var json = new Utf8JsonWriter(output, Options);
        for (var i = from; i < to; i++)
        {
            CrowdSecDecisions.Write(in selection.Entry(i), now, json);
            if (json.BytesPending > 16 * 1024)
            {
                json.Flush();
            }
        }

        json.Flush();
    }

    public override void WriteTail(BlocklistSelection selection, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write("],\"deleted\":null}"u8);
    }
}
