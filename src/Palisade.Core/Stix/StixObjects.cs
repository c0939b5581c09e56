using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Palisade.Core.Stix;

/// <summary>
/// Writes the STIX 2.1 objects Palisade publishes, property by property, so the wire form is exact and stable:
/// indicators, the identity they are created by, and the TLP marking they carry.
/// </summary>
public static class StixObjects
{
    /// <summary>When the identity object was first published; fixed so its id and body never change.</summary>
    public static readonly long IdentityCreated = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>The <c>created</c> STIX 2.1 fixes for its predefined TLP marking definitions.</summary>
    public static readonly long TlpCreated = new DateTimeOffset(2017, 1, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Indicator(IndicatorHead head) => Write(writer => WriteIndicatorProperties(writer, head));

    /// <summary>Writes the indicator as the next value of <paramref name="writer"/>: the bytes of <see cref="Indicator"/>
    /// when the writer escapes as <see cref="Indicator"/> does (<see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>),
    /// without the string between (a TAXII page of a thousand indicators allocated ~10 MB through it).</summary>
    public static void WriteIndicator(Utf8JsonWriter writer, IndicatorHead head)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        WriteIndicatorProperties(writer, head);
        writer.WriteEndObject();
    }

    private static void WriteIndicatorProperties(Utf8JsonWriter writer, IndicatorHead head)
    {
        writer.WriteString("type", "indicator");
        writer.WriteString("spec_version", "2.1");
        writer.WriteString("id", head.ObjectId);
        writer.WriteString("created_by_ref", StixIdentifiers.Identity);
        writer.WriteString("created", StixTimestamp.Milliseconds(head.Created));
        writer.WriteString("modified", StixTimestamp.Milliseconds(head.Modified));
        writer.WriteString("name", "Malicious IP " + head.Address);
        var labels = Split(head.Labels);
        writer.WriteString("description", Describe(head, labels));
        writer.WriteStartArray("indicator_types");
        writer.WriteStringValue("malicious-activity");
        writer.WriteEndArray();
        writer.WriteString("pattern", PatternOf(head.Address));
        writer.WriteString("pattern_type", "stix");
        writer.WriteString("pattern_version", "2.1");
        writer.WriteString("valid_from", StixTimestamp.Milliseconds(head.ValidFrom));
        writer.WriteString("valid_until", StixTimestamp.Milliseconds(head.ValidUntil));
        writer.WriteNumber("confidence", head.Confidence);
        if (labels.Length > 0)
        {
            writer.WriteStartArray("labels");
            foreach (var label in labels)
            {
                writer.WriteStringValue(label);
            }

            writer.WriteEndArray();
        }

        var techniques = Split(head.Techniques);
        var tactics = techniques.Select(t => AttackTactics.TryGetTactic(t, out var tactic) ? tactic : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (tactics.Length > 0)
        {
            writer.WriteStartArray("kill_chain_phases");
            foreach (var tactic in tactics)
            {
                writer.WriteStartObject();
                writer.WriteString("kill_chain_name", "mitre-attack");
                writer.WriteString("phase_name", tactic);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (techniques.Length > 0)
        {
            writer.WriteStartArray("external_references");
            foreach (var technique in techniques)
            {
                writer.WriteStartObject();
                writer.WriteString("source_name", "mitre-attack");
                writer.WriteString("external_id", technique);
                writer.WriteString("url", AttackTactics.Url(technique));
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (head.Revoked)
        {
            writer.WriteBoolean("revoked", true);
        }

        writer.WriteStartArray("object_marking_refs");
        writer.WriteStringValue(StixIdentifiers.TlpWhite);
        writer.WriteEndArray();
    }

    public static string Identity(string name)
        => Write(writer =>
        {
            writer.WriteString("type", "identity");
            writer.WriteString("spec_version", "2.1");
            writer.WriteString("id", StixIdentifiers.Identity);
            writer.WriteString("created", StixTimestamp.Milliseconds(IdentityCreated));
            writer.WriteString("modified", StixTimestamp.Milliseconds(IdentityCreated));
            writer.WriteString("name", name);
            writer.WriteString("description", "Palisade IP reputation service: scores addresses from abuse reports and honeypot sensors.");
            writer.WriteString("identity_class", "system");
        });

    public static string TlpWhiteMarking()
        => Write(writer =>
        {
            writer.WriteString("type", "marking-definition");
            writer.WriteString("spec_version", "2.1");
            writer.WriteString("id", StixIdentifiers.TlpWhite);
            writer.WriteString("created", StixTimestamp.Milliseconds(TlpCreated));
            writer.WriteString("definition_type", "tlp");
            writer.WriteString("name", "TLP:WHITE");
            writer.WriteStartObject("definition");
            writer.WriteString("tlp", "white");
            writer.WriteEndObject();
        });

    /// <summary>The STIX pattern for one canonical address.</summary>
    public static string PatternOf(string canonicalAddress)
        => canonicalAddress.Contains(':', StringComparison.Ordinal)
            ? $"[ipv6-addr:value = '{canonicalAddress}']"
            : $"[ipv4-addr:value = '{canonicalAddress}']";

    internal static string[] Split(string joined) => joined.Length == 0 ? [] : joined.Split('\n');

    private static string Describe(IndicatorHead head, string[] labels)
    {
        var text = new StringBuilder();
        text.Append(head.Revoked ? "No longer listed by Palisade (delisted or whitelisted). " : "Listed by Palisade. ");
        text.Append("Score ").Append(head.Confidence).Append("/100");
        if (labels.Length > 0)
        {
            text.Append("; observed: ").AppendJoin(", ", labels);
        }

        return text.Append('.').ToString();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
