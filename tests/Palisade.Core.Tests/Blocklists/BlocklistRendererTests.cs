using System.Text;
using Palisade.Core.Blocklists;
using Palisade.Core.Categories;

namespace Palisade.Core.Tests.Blocklists;

public sealed class BlocklistRendererTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public BlocklistRendererTests()
    {
        _f.Report("45.10.0.1", CategoryCatalog.BruteForce, "ssh", reporters: 3);
        _f.Report("80.10.0.1", CategoryCatalog.PortScan, "tcp");
        _f.Report("2a00:10::1", CategoryCatalog.WebExploit, "http");
    }

    public void Dispose() => _f.Dispose();

    private string Render(BlocklistFormat format)
    {
        var rendered = _f.Engine.Render(_f.Engine.Select(new BlocklistQuery { ScoreMinimum = 0 }), format);
        var bytes = new MemoryStream();
        rendered.WriteToAsync(bytes, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(rendered.Length, bytes.Length);
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    [Fact]
    public void Plaintext_is_one_address_per_line_and_nothing_else()
        => Assert.Equal("45.10.0.1\n", Render(BlocklistFormat.Plaintext)[..10]);

    [Fact]
    public void Plaintext_holds_every_address_once()
    {
        var lines = Render(BlocklistFormat.Plaintext).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["2a00:10::1", "45.10.0.1", "80.10.0.1"], lines.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Csf_has_comment_lines_then_addresses()
    {
        var lines = Render(BlocklistFormat.Csf).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("# Palisade blocklist: 3 addresses", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Count(l => !l.StartsWith('#')));
    }

    [Fact]
    public void Csv_has_a_header_and_expiry_country_and_asn_per_row()
    {
        var lines = Render(BlocklistFormat.Csv).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ip,confidenceLevel,rawScore,firstSeen,lastSeen,expiresAt,countryCode,asn,sessions,protocols,categories,maxSeverity", lines[0]);
        var row = lines.Single(l => l.StartsWith("45.10.0.1,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("US", row[6]);
        Assert.Equal("64500", row[7]);
        Assert.Equal("3", row[8]);
        Assert.Equal("ssh", row[9]);
        Assert.Equal("brute_force", row[10]);
        Assert.Equal(DateTimeOffset.Parse(row[4], System.Globalization.CultureInfo.InvariantCulture).AddDays(30),
            DateTimeOffset.Parse(row[5], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Nginx_formats_are_deny_lines_and_a_geo_block()
    {
        Assert.Contains("deny 2a00:10::1;\n", Render(BlocklistFormat.Nginx), StringComparison.Ordinal);
        var geo = Render(BlocklistFormat.NginxGeo);
        Assert.Contains("geo $palisade_blocked {\n    default 0;\n", geo, StringComparison.Ordinal);
        Assert.Contains("    45.10.0.1 1;\n", geo, StringComparison.Ordinal);
        Assert.EndsWith("}\n", geo, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipset_puts_each_family_in_its_set_with_a_timeout_until_expiry()
    {
        var text = Render(BlocklistFormat.Ipset);
        Assert.Contains("create palisade-v4 hash:ip family inet ", text, StringComparison.Ordinal);
        Assert.Contains("create palisade-v6 hash:ip family inet6 ", text, StringComparison.Ordinal);
        Assert.Contains("add palisade-v6 2a00:10::1 timeout ", text, StringComparison.Ordinal);
        var line = text.Split('\n').Single(l => l.StartsWith("add palisade-v4 45.10.0.1 ", StringComparison.Ordinal));
        var timeout = int.Parse(line.Split(' ')[4], System.Globalization.CultureInfo.InvariantCulture);
        // 30 days exceed ipset's maximum, so the timeout is capped and renewed by the next pull.
        Assert.Equal(BlocklistFormatLayout.IpsetMaxTimeout, timeout);
    }

    [Fact]
    public void Nftables_replaces_its_table_with_interval_sets()
    {
        var text = Render(BlocklistFormat.Nftables);
        Assert.Contains("delete table inet palisade\n", text, StringComparison.Ordinal);
        Assert.Contains("flags interval", text, StringComparison.Ordinal);
        Assert.Contains("add element inet palisade blocklist_v6 {\n    2a00:10::1,\n}\n", text, StringComparison.Ordinal);
        Assert.Contains("ip saddr @blocklist_v4 drop", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Iptables_script_fills_a_chain_for_each_family()
    {
        var text = Render(BlocklistFormat.Iptables);
        Assert.StartsWith("#!/bin/sh\n", text, StringComparison.Ordinal);
        Assert.Contains("iptables -w -A PALISADE -s 45.10.0.1 -j DROP\n", text, StringComparison.Ordinal);
        Assert.Contains("ip6tables -w -A PALISADE -s 2a00:10::1 -j DROP\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rendering_is_cached_per_snapshot()
    {
        var query = new BlocklistQuery { ScoreMinimum = 0 };
        var first = _f.Engine.Render(_f.Engine.Select(query), BlocklistFormat.Plaintext);
        Assert.Same(first, _f.Engine.Render(_f.Engine.Select(query), BlocklistFormat.Plaintext));
        _f.Report("45.10.0.9", CategoryCatalog.BruteForce, "ssh");
        var second = _f.Engine.Render(_f.Engine.Select(query), BlocklistFormat.Plaintext);
        Assert.NotSame(first, second);
        Assert.Equal(4, second.Count);
    }
}
