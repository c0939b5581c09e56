using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Palisade.Core.Categories;

namespace Palisade.Core.Blocklists;

/// <summary>
/// Writes a selection in the firewall formats, straight into a byte buffer (no per-line strings):
/// <list type="bullet">
/// <item>plaintext: one address per line, nothing else (SikkerAPI's client writes it out byte for byte);</item>
/// <item>csf: the same with <c>#</c> comment lines on top (lfd skips them);</item>
/// <item>csv: a header row, then address, scores, times (ISO 8601), expiry, country, ASN, sessions, protocols, categories;</item>
/// <item>ipset: an <c>ipset restore</c> file creating <see cref="IpsetV4Name"/> and <see cref="IpsetV6Name"/> with a
/// per-entry <c>timeout</c> until the entry's expiry;</item>
/// <item>iptables: a shell script filling a <c>PALISADE</c> chain for iptables and ip6tables;</item>
/// <item>nftables: an <c>nft -f</c> file replacing table <c>inet palisade</c> (interval sets v4/v6 and an input chain);</item>
/// <item>nginx: <c>deny</c> lines; nginx-geo: a <c>geo $palisade_blocked</c> block to include in <c>http {}</c>.</item>
/// </list>
/// </summary>
public static class BlocklistRenderer
{
    public const string IpsetV4Name = "palisade-v4";
    public const string IpsetV6Name = "palisade-v6";
    public const string NftTable = "palisade";
    public const string NginxGeoVariable = "$palisade_blocked";

    /// <summary>ipset's largest timeout (seconds): longer expiries are capped to it and renewed by the next pull.</summary>
    public const int IpsetMaxTimeout = 2_147_483;

    public static void Write(BlocklistSelection selection, BlocklistFormat format, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(output);
        var w = new Utf8Output(output);
        switch (format)
        {
            case BlocklistFormat.Plaintext:
                Lines(selection, ref w, "", "");
                break;
            case BlocklistFormat.Csf:
                Header(selection, ref w, "# ");
                Lines(selection, ref w, "", "");
                break;
            case BlocklistFormat.Nginx:
                Header(selection, ref w, "# ");
                Lines(selection, ref w, "deny ", ";");
                break;
            case BlocklistFormat.NginxGeo:
                Header(selection, ref w, "# ");
                w.Ascii("geo " + NginxGeoVariable + " {\n    default 0;\n");
                Lines(selection, ref w, "    ", " 1;");
                w.Ascii("}\n");
                break;
            case BlocklistFormat.Csv:
                Csv(selection, ref w);
                break;
            case BlocklistFormat.Ipset:
                Ipset(selection, ref w);
                break;
            case BlocklistFormat.Iptables:
                Iptables(selection, ref w);
                break;
            case BlocklistFormat.Nftables:
                Nftables(selection, ref w);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "JSON is rendered by each face in its own shape.");
        }
    }

    /// <summary>The media type a format is served with.</summary>
    public static string ContentType(BlocklistFormat format) => format switch
    {
        BlocklistFormat.Json => "application/json; charset=utf-8",
        BlocklistFormat.Csv => "text/csv; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    private static void Header(BlocklistSelection selection, ref Utf8Output w, string comment)
    {
        w.Ascii(comment);
        w.Ascii("Palisade blocklist: ");
        w.Int(selection.Count);
        w.Ascii(" addresses, score >= ");
        w.Int(selection.Query.ScoreMinimum);
        w.Ascii(", generated ");
        w.Time(selection.GeneratedAt);
        w.Ascii("\n");
    }

    private static void Lines(BlocklistSelection selection, ref Utf8Output w, string before, string after)
    {
        for (var i = 0; i < selection.Count; i++)
        {
            w.Ascii(before);
            w.Ascii(selection.Entry(i).Address);
            w.Ascii(after);
            w.Ascii("\n");
        }
    }

    private static void Csv(BlocklistSelection selection, ref Utf8Output w)
    {
        w.Ascii("ip,confidenceLevel,rawScore,firstSeen,lastSeen,expiresAt,countryCode,asn,sessions,protocols,categories,maxSeverity\n");
        for (var i = 0; i < selection.Count; i++)
        {
            ref readonly var entry = ref selection.Entry(i);
            w.Ascii(entry.Address);
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
            // Protocols and categories are validated names ([a-z0-9_.-]), joined by ';' so no quoting is needed.
            var protocols = entry.Protocols;
            for (var p = 0; p < protocols.Count; p++)
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

    private static void Ipset(BlocklistSelection selection, ref Utf8Output w)
    {
        Header(selection, ref w, "# ");
        var now = selection.GeneratedAt;
        foreach (var (name, family, v6) in (ReadOnlySpan<(string, string, bool)>)[(IpsetV4Name, "inet", false), (IpsetV6Name, "inet6", true)])
        {
            var count = Count(selection, v6);
            var maxElements = 65536;
            while (maxElements < count)
            {
                maxElements *= 2;
            }

            w.Ascii("create ");
            w.Ascii(name);
            w.Ascii(" hash:ip family ");
            w.Ascii(family);
            w.Ascii(" hashsize 1024 maxelem ");
            w.Int(maxElements);
            w.Ascii(" timeout 0 -exist\nflush ");
            w.Ascii(name);
            w.Ascii("\n");
            for (var i = 0; i < selection.Count; i++)
            {
                ref readonly var entry = ref selection.Entry(i);
                if (entry.IsIPv6 != v6)
                {
                    continue;
                }

                var seconds = (long)Math.Ceiling((entry.ExpiresAt - now).TotalSeconds);
                w.Ascii("add ");
                w.Ascii(name);
                w.Ascii(" ");
                w.Ascii(entry.Address);
                w.Ascii(" timeout ");
                w.Int(Math.Clamp(seconds, 1, IpsetMaxTimeout));
                w.Ascii(" -exist\n");
            }
        }
    }

    private static void Iptables(BlocklistSelection selection, ref Utf8Output w)
    {
        w.Ascii("#!/bin/sh\n");
        Header(selection, ref w, "# ");
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

        for (var i = 0; i < selection.Count; i++)
        {
            ref readonly var entry = ref selection.Entry(i);
            w.Ascii(entry.IsIPv6 ? "ip6tables" : "iptables");
            w.Ascii(" -w -A PALISADE -s ");
            w.Ascii(entry.Address);
            w.Ascii(" -j DROP\n");
        }
    }

    private static void Nftables(BlocklistSelection selection, ref Utf8Output w)
    {
        Header(selection, ref w, "# ");
        // Declaring then deleting the table makes the file replace it whether or not it exists, in one transaction.
        w.Ascii("table inet " + NftTable + "\ndelete table inet " + NftTable + "\ntable inet " + NftTable + " {\n");
        foreach (var (name, type, v6) in (ReadOnlySpan<(string, string, bool)>)[("blocklist_v4", "ipv4_addr", false), ("blocklist_v6", "ipv6_addr", true)])
        {
            w.Ascii("    set ");
            w.Ascii(name);
            w.Ascii(" {\n        type ");
            w.Ascii(type);
            w.Ascii("\n        flags interval\n");
            if (Count(selection, v6) > 0)
            {
                w.Ascii("        elements = {\n");
                for (var i = 0; i < selection.Count; i++)
                {
                    ref readonly var entry = ref selection.Entry(i);
                    if (entry.IsIPv6 == v6)
                    {
                        w.Ascii("            ");
                        w.Ascii(entry.Address);
                        w.Ascii(",\n");
                    }
                }

                w.Ascii("        }\n");
            }

            w.Ascii("    }\n");
        }

        w.Ascii("    chain input {\n        type filter hook input priority -10; policy accept;\n" +
                "        ip saddr @blocklist_v4 drop\n        ip6 saddr @blocklist_v6 drop\n    }\n}\n");
    }

    private static int Count(BlocklistSelection selection, bool v6)
    {
        var count = 0;
        for (var i = 0; i < selection.Count; i++)
        {
            if (selection.Entry(i).IsIPv6 == v6)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Appends ASCII/UTF-8 text, integers and times to a buffer writer, asking for space in blocks.</summary>
    private ref struct Utf8Output(IBufferWriter<byte> output)
    {
        private readonly IBufferWriter<byte> _output = output;

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
