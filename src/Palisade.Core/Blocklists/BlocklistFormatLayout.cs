using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Text;

namespace Palisade.Core.Blocklists;

/// <summary>
/// The firewall formats, written straight into byte buffers (no per-line strings):
/// <list type="bullet">
/// <item>plaintext: one address per line, nothing else (SikkerAPI's client writes it out byte for byte);</item>
/// <item>csf: the same with <c>#</c> comment lines on top (lfd skips them);</item>
/// <item>csv: a header row, then address, scores, times (ISO 8601), expiry, country, ASN, sessions, protocols, categories;</item>
/// <item>ipset: an <c>ipset restore</c> file creating <see cref="IpsetV4Name"/> and <see cref="IpsetV6Name"/> with a
/// per-entry <c>timeout</c> until the entry's expiry;</item>
/// <item>iptables: a shell script filling a <c>PALISADE</c> chain for iptables and ip6tables;</item>
/// <item>iptables-restore / ip6tables-restore: a file for <c>iptables-restore --noflush</c> (IPv4) or
/// <c>ip6tables-restore --noflush</c> (IPv6) that declares and so replaces chain <c>PALISADE</c> in one commit; the jump
/// from INPUT is added once by the operator (the file cannot add it idempotently);</item>
/// <item>nftables: an <c>nft -f</c> file replacing table <c>inet palisade</c> (interval sets v4/v6, an input chain) and
/// adding the addresses with <c>add element</c> (one transaction: nft applies a file as a whole or not at all);</item>
/// <item>nginx: <c>deny</c> lines; nginx-geo: a <c>geo $palisade_blocked</c> block to include in <c>http {}</c>.</item>
/// </list>
/// </summary>
public sealed class BlocklistFormatLayout : BlocklistLayout
{
    public const string IpsetV4Name = "palisade-v4";
    public const string IpsetV6Name = "palisade-v6";
    public const string NftTable = "palisade";
    public const string NginxGeoVariable = "$palisade_blocked";

    /// <summary>ipset's largest timeout (seconds): longer expiries are capped to it and renewed by the next pull.</summary>
    public const int IpsetMaxTimeout = 2_147_483;

    private static readonly BlocklistFormatLayout[] Layouts =
        [.. Enum.GetValues<BlocklistFormat>().Where(f => f != BlocklistFormat.Json).Select(f => new BlocklistFormatLayout(f))];

    private readonly BlocklistFormat _format;

    private BlocklistFormatLayout(BlocklistFormat format)
    {
        _format = format;
        Name = "format:" + format;
    }

    /// <summary>The layout of a text format (JSON is written by each face in its own shape).</summary>
    public static BlocklistFormatLayout For(BlocklistFormat format)
        => Array.Find(Layouts, l => l._format == format)
           ?? throw new ArgumentOutOfRangeException(nameof(format), format, "JSON is rendered by each face in its own shape.");

    /// <summary>The media type a format is served with.</summary>
    public static string ContentTypeOf(BlocklistFormat format) => format switch
    {
        BlocklistFormat.Json => "application/json; charset=utf-8",
        BlocklistFormat.Csv => "text/csv; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    public override string Name { get; }

    public override string ContentType => ContentTypeOf(_format);

    public override bool DependsOnTime => _format == BlocklistFormat.Ipset;

    public override int EstimatedBytesPerEntry => _format switch
    {
        BlocklistFormat.Plaintext or BlocklistFormat.Csf => 14,
        BlocklistFormat.Csv => 110,
        _ => 40,
    };

    public override void WriteHead(BlocklistSelection selection, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var w = new Utf8Output(output);
        switch (_format)
        {
            case BlocklistFormat.Plaintext:
                break;
            case BlocklistFormat.Csv:
                w.Ascii("ip,confidenceLevel,rawScore,firstSeen,lastSeen,expiresAt,countryCode,asn,sessions,protocols,categories,maxSeverity\n");
                break;
            case BlocklistFormat.NginxGeo:
                Comment(selection, ref w);
                w.Ascii("geo " + NginxGeoVariable + " {\n    default 0;\n");
                break;
            case BlocklistFormat.Ipset:
                Comment(selection, ref w);
                IpsetSets(selection, ref w);
                break;
            case BlocklistFormat.Iptables:
                w.Ascii("#!/bin/sh\n");
                Comment(selection, ref w);
                IptablesChains(ref w);
                break;
            case BlocklistFormat.Nftables:
                Comment(selection, ref w);
                NftablesTable(ref w);
                break;
            case BlocklistFormat.IptablesRestore or BlocklistFormat.Ip6tablesRestore:
                Comment(selection, ref w);
                var tool = _format == BlocklistFormat.IptablesRestore ? "iptables" : "ip6tables";
                w.Ascii("# Load: " + tool + "-restore --noflush < this-file (chain PALISADE is replaced, nothing else changes).\n");
                w.Ascii("# Once: " + tool + " -I INPUT -j PALISADE\n*filter\n:PALISADE - [0:0]\n");
                break;
            default:
                Comment(selection, ref w);
                break;
        }
    }

    public override void WriteEntries(BlocklistSelection selection, int from, int to, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var w = new Utf8Output(output);
        switch (_format)
        {
            case BlocklistFormat.Plaintext or BlocklistFormat.Csf:
                Lines(selection, from, to, ref w, "", "");
                break;
            case BlocklistFormat.Nginx:
                Lines(selection, from, to, ref w, "deny ", ";");
                break;
            case BlocklistFormat.NginxGeo:
                Lines(selection, from, to, ref w, "    ", " 1;");
                break;
            case BlocklistFormat.Csv:
                CsvRows(selection, from, to, ref w);
                break;
            case BlocklistFormat.Ipset:
                IpsetAdds(selection, from, to, ref w);
                break;
            case BlocklistFormat.Iptables:
                for (var i = from; i < to; i++)
                {
                    ref readonly var entry = ref selection.Entry(i);
                    w.Ascii(entry.IsIPv6 ? "ip6tables" : "iptables");
                    w.Ascii(" -w -A PALISADE -s ");
                    w.Address(entry.Key);
                    w.Ascii(" -j DROP\n");
                }

                break;
            case BlocklistFormat.IptablesRestore or BlocklistFormat.Ip6tablesRestore:
                Lines(selection, from, to, ref w, "-A PALISADE -s ", " -j DROP");
                break;
            case BlocklistFormat.Nftables:
                NftablesElements(selection, from, to, ref w, v6: false);
                NftablesElements(selection, from, to, ref w, v6: true);
                break;
            default:
                throw new InvalidOperationException($"No entry writer for {_format}.");
        }
    }

    public override void WriteTail(BlocklistSelection selection, IBufferWriter<byte> output)
    {
        if (_format == BlocklistFormat.NginxGeo)
        {
            new Utf8Output(output).Ascii("}\n");
        }
        else if (_format is BlocklistFormat.IptablesRestore or BlocklistFormat.Ip6tablesRestore)
        {
            new Utf8Output(output).Ascii("COMMIT\n");
        }
    }

    private static void Comment(BlocklistSelection selection, ref Utf8Output w)
    {
        w.Ascii("# Palisade blocklist: ");
        w.Int(selection.Count);
        w.Ascii(" addresses, score >= ");
        w.Int(selection.Query.ScoreMinimum);
        w.Ascii(", generated ");
        w.Time(selection.GeneratedAt);
        w.Ascii("\n");
    }

    private static void Lines(BlocklistSelection selection, int from, int to, ref Utf8Output w, string before, string after)
    {
        for (var i = from; i < to; i++)
        {
            w.Ascii(before);
            w.Address(selection.Entry(i).Key);
            w.Ascii(after);
            w.Ascii("\n");
        }
    }

    private static void CsvRows(BlocklistSelection selection, int from, int to, ref Utf8Output w)
    {
        for (var i = from; i < to; i++)
        {
            ref readonly var entry = ref selection.Entry(i);
            w.Address(entry.Key);
            w.Ascii(",");
            w.Int(entry.Score);
            w.Ascii(",");
            w.Int(entry.RawScore);
            w.Ascii(",");
            w.Time(entry.FirstSeen);
            w.Ascii(",");
            w.Time(entry.LastSeen);
            w.Ascii(",");
            w.Time(entry.ExpiresAt);
            w.Ascii(",");
            w.Ascii(entry.CountryCode ?? "");
            w.Ascii(",");
            if (entry.Asn is { } asn)
            {
                w.Int(asn);
            }

            w.Ascii(",");
            w.Int(entry.Sessions);
            w.Ascii(",");
            // Protocols and categories are validated names ([a-z0-9_.-]), joined by ';' so no quoting is needed; a cell
            // starting with '-' is a formula to a spreadsheet, so it gets the guard's quote.
            var protocols = entry.ProtocolSpan;
            if (protocols.Length > 0 && CsvFormulaGuard.Needs(protocols[0]))
            {
                w.Ascii("'");
            }

            for (var p = 0; p < protocols.Length; p++)
            {
                if (p > 0)
                {
                    w.Ascii(";");
                }

                w.Text(protocols[p]);
            }

            w.Ascii(",");
            var first = true;
            foreach (var id in entry.Categories)
            {
                if (!first)
                {
                    w.Ascii(";");
                }

                w.Ascii(CategoryCatalog.Get(id).Name);
                first = false;
            }

            w.Ascii(",");
            w.Ascii(CategoryCatalog.SeverityName(entry.MaxSeverity));
            w.Ascii("\n");
        }
    }

    private static void IpsetSets(BlocklistSelection selection, ref Utf8Output w)
    {
        // maxelem is a ceiling, not an allocation: sized for the whole list so neither set can overflow.
        var maxElements = 65536;
        while (maxElements < selection.Count)
        {
            maxElements *= 2;
        }

        foreach (var (name, family) in (ReadOnlySpan<(string, string)>)[(IpsetV4Name, "inet"), (IpsetV6Name, "inet6")])
        {
            w.Ascii("create ");
            w.Ascii(name);
            w.Ascii(" hash:ip family ");
            w.Ascii(family);
            w.Ascii(" hashsize 1024 maxelem ");
            w.Int(maxElements);
            w.Ascii(" timeout 0 -exist\nflush ");
            w.Ascii(name);
            w.Ascii("\n");
        }
    }

    private static void IpsetAdds(BlocklistSelection selection, int from, int to, ref Utf8Output w)
    {
        var now = selection.GeneratedAt;
        for (var i = from; i < to; i++)
        {
            ref readonly var entry = ref selection.Entry(i);
            var seconds = (long)Math.Ceiling((entry.ExpiresAt - now).TotalSeconds);
            w.Ascii("add ");
            w.Ascii(entry.IsIPv6 ? IpsetV6Name : IpsetV4Name);
            w.Ascii(" ");
            w.Address(entry.Key);
            w.Ascii(" timeout ");
            w.Int(Math.Clamp(seconds, 1, IpsetMaxTimeout));
            w.Ascii(" -exist\n");
        }
    }

    private static void IptablesChains(ref Utf8Output w)
    {
        w.Ascii("# Fills chain PALISADE (iptables and ip6tables) and jumps to it from INPUT. Run as root.\nset -e\n");
        foreach (var tool in (ReadOnlySpan<string>)["iptables", "ip6tables"])
        {
            w.Ascii(tool);
            w.Ascii(" -w -N PALISADE 2>/dev/null || ");
            w.Ascii(tool);
            w.Ascii(" -w -F PALISADE\n");
            w.Ascii(tool);
            w.Ascii(" -w -C INPUT -j PALISADE 2>/dev/null || ");
            w.Ascii(tool);
            w.Ascii(" -w -I INPUT -j PALISADE\n");
        }
    }

    private static void NftablesTable(ref Utf8Output w)
    {
        // Declaring then deleting the table makes the file replace it whether or not it exists, in one transaction.
        w.Ascii("table inet " + NftTable + "\ndelete table inet " + NftTable + "\ntable inet " + NftTable + " {\n" +
                "    set blocklist_v4 {\n        type ipv4_addr\n        flags interval\n    }\n" +
                "    set blocklist_v6 {\n        type ipv6_addr\n        flags interval\n    }\n" +
                "    chain input {\n        type filter hook input priority -10; policy accept;\n" +
                "        ip saddr @blocklist_v4 drop\n        ip6 saddr @blocklist_v6 drop\n    }\n}\n");
    }

    private static void NftablesElements(BlocklistSelection selection, int from, int to, ref Utf8Output w, bool v6)
    {
        var open = false;
        for (var i = from; i < to; i++)
        {
            ref readonly var entry = ref selection.Entry(i);
            if (entry.IsIPv6 != v6)
            {
                continue;
            }

            if (!open)
            {
                w.Ascii("add element inet " + NftTable + (v6 ? " blocklist_v6 {\n" : " blocklist_v4 {\n"));
                open = true;
            }

            w.Ascii("    ");
            w.Address(entry.Key);
            w.Ascii(",\n");
        }

        if (open)
        {
            w.Ascii("}\n");
        }
    }

    /// <summary>Appends ASCII/UTF-8 text, integers and times to a buffer writer, asking for space in blocks.</summary>
    private ref struct Utf8Output(IBufferWriter<byte> output)
    {
        private readonly IBufferWriter<byte> _output = output;

        // An address's canonical text, written from its 128-bit value (no string per address).
        public readonly void Address(AddressKey key)
        {
            var span = _output.GetSpan(64);
            key.TryFormat(span, out var written);
            _output.Advance(written);
        }

        public readonly void Ascii(string text)
        {
            var span = _output.GetSpan(text.Length);
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = (byte)text[i];
            }

            _output.Advance(text.Length);
        }

        public readonly void Text(string text)
        {
            var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            _output.Advance(Encoding.UTF8.GetBytes(text, span));
        }

        public readonly void Int(long value)
        {
            var span = _output.GetSpan(20);
            Utf8Formatter.TryFormat(value, span, out var written);
            _output.Advance(written);
        }

        public readonly void Time(DateTimeOffset value)
        {
            var span = _output.GetSpan(32);
            value.UtcDateTime.TryFormat(span, out var written, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            _output.Advance(written);
        }
    }
}
