using System.Text.Json;
using Palisade.Core.Categories;
using Palisade.Core.Stix;

namespace Palisade.Core.Tests.Stix;

public sealed class StixObjectsTests
{
    private static readonly long Created = new DateTimeOffset(2026, 3, 1, 10, 0, 0, 123, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static IndicatorHead Head(string address = "81.10.20.30", string labels = "ssh:brute_force\nport_scan", string techniques = "T1046\nT1110\nT1595.001",
        bool revoked = false)
        => new(address, StixIdentifiers.Indicator(address, 0), 0, Created, Created + 5, Created, Created + (14L * 86_400_000), 4, 91, labels, techniques,
            revoked, true);

    [Fact]
    public void Indicator_carries_every_property_a_consumer_reads()
    {
        using var document = JsonDocument.Parse(StixObjects.Indicator(Head()));
        var o = document.RootElement;
        Assert.Equal("indicator", o.GetProperty("type").GetString());
        Assert.Equal("2.1", o.GetProperty("spec_version").GetString());
        Assert.Equal("indicator--979dbd64-cb61-51c1-8f64-dbd77196f65b", o.GetProperty("id").GetString());
        Assert.Equal("2026-03-01T10:00:00.123Z", o.GetProperty("created").GetString());
        Assert.Equal("2026-03-01T10:00:00.128Z", o.GetProperty("modified").GetString());
        Assert.Equal("[ipv4-addr:value = '81.10.20.30']", o.GetProperty("pattern").GetString());
        Assert.Equal("stix", o.GetProperty("pattern_type").GetString());
        Assert.Equal("2.1", o.GetProperty("pattern_version").GetString());
        Assert.Equal("2026-03-15T10:00:00.123Z", o.GetProperty("valid_until").GetString());
        Assert.Equal(91, o.GetProperty("confidence").GetInt32());
        Assert.Equal(["ssh:brute_force", "port_scan"], o.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["malicious-activity"], o.GetProperty("indicator_types").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(["discovery", "credential-access", "reconnaissance"],
            o.GetProperty("kill_chain_phases").EnumerateArray().Select(p => p.GetProperty("phase_name").GetString()));
        Assert.All(o.GetProperty("kill_chain_phases").EnumerateArray(), p => Assert.Equal("mitre-attack", p.GetProperty("kill_chain_name").GetString()));
        var references = o.GetProperty("external_references").EnumerateArray().ToList();
        Assert.Equal(["T1046", "T1110", "T1595.001"], references.Select(r => r.GetProperty("external_id").GetString()));
        Assert.Equal("https://attack.mitre.org/techniques/T1595/001/", references[2].GetProperty("url").GetString());
        Assert.Equal(StixIdentifiers.Identity, o.GetProperty("created_by_ref").GetString());
        Assert.Equal([StixIdentifiers.TlpWhite], o.GetProperty("object_marking_refs").EnumerateArray().Select(m => m.GetString()));
        Assert.False(o.TryGetProperty("revoked", out _));
    }

    [Fact]
    public void An_indicator_written_into_a_page_is_the_same_json_as_the_indicator_alone()
    {
        // A page writes its indicators straight into itself: escaping included (a label with quotes, a slash and
        // non-ASCII text), the bytes are the object's own.
        IndicatorHead[] heads = [Head(), Head("2a05:d014:1:2::5", labels: "web:\"admin\"/login\nbot é", techniques: ""), Head(revoked: true)];
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartArray();
            foreach (var head in heads)
            {
                StixObjects.WriteIndicator(writer, head);
            }

            writer.WriteEndArray();
        }

        Assert.Equal("[" + string.Join(',', heads.Select(StixObjects.Indicator)) + "]", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Ipv6_pattern_uses_ipv6_addr()
    {
        using var document = JsonDocument.Parse(StixObjects.Indicator(Head("2a05:d014:1:2::5")));
        Assert.Equal("[ipv6-addr:value = '2a05:d014:1:2::5']", document.RootElement.GetProperty("pattern").GetString());
    }

    [Fact]
    public void Empty_lists_are_left_out_because_stix_lists_must_not_be_empty()
    {
        using var document = JsonDocument.Parse(StixObjects.Indicator(Head(labels: "", techniques: "")));
        Assert.False(document.RootElement.TryGetProperty("labels", out _));
        Assert.False(document.RootElement.TryGetProperty("kill_chain_phases", out _));
        Assert.False(document.RootElement.TryGetProperty("external_references", out _));
    }

    [Fact]
    public void Revoked_versions_say_so()
    {
        using var document = JsonDocument.Parse(StixObjects.Indicator(Head(revoked: true)));
        Assert.True(document.RootElement.GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public void Every_technique_in_the_category_table_has_a_tactic()
    {
        foreach (var technique in CategoryCatalog.Native.SelectMany(c => c.MitreTechniques))
        {
            Assert.True(AttackTactics.TryGetTactic(technique, out var tactic), technique);
            Assert.Matches("^[a-z]+(-[a-z]+)*$", tactic);
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(24, 0)]
    [InlineData(25, 1)]
    [InlineData(74, 2)]
    [InlineData(75, 3)]
    [InlineData(89, 3)]
    [InlineData(90, 4)]
    [InlineData(100, 4)]
    public void Score_bands_have_an_edge_at_the_high_confidence_threshold(int score, int band)
        => Assert.Equal(band, ScoreBand.Of(score));

    [Fact]
    public void Timestamps_have_the_precision_stix_and_taxii_want()
    {
        var instant = new DateTimeOffset(2026, 3, 5, 12, 0, 1, TimeSpan.Zero).AddTicks(1_234_567);
        Assert.Equal("2026-03-05T12:00:01.123Z", StixTimestamp.Milliseconds(instant.ToUnixTimeMilliseconds()));
        var micro = StixTimestamp.ToMicroseconds(instant);
        Assert.Equal("2026-03-05T12:00:01.123456Z", StixTimestamp.Microseconds(micro));
        Assert.True(StixTimestamp.TryParseMicroseconds("2026-03-05T12:00:01.123456Z", out var parsed));
        Assert.Equal(micro, parsed);
        Assert.True(StixTimestamp.TryParseMicroseconds("2026-03-05T13:00:01.123456+01:00", out parsed));
        Assert.Equal(micro, parsed);
        Assert.True(StixTimestamp.TryParseMicroseconds("2026-03-05T13:00:01.123456 01:00", out parsed)); // an unencoded '+'
        Assert.Equal(micro, parsed);
        Assert.False(StixTimestamp.TryParseMicroseconds("yesterday", out _));
        Assert.False(StixTimestamp.TryParseMicroseconds("2026-03-05", out _));
    }
}
