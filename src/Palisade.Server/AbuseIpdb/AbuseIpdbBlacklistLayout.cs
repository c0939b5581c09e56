using System.Text.Json;
using Palisade.Core.Blocklists;

namespace Palisade.Server.AbuseIpdb;

/// <summary>AbuseIPDB's blacklist JSON: <c>{"meta":{"generatedAt"},"data":[{ipAddress, countryCode, abuseConfidenceScore,
/// lastReportedAt}]}</c>.</summary>
internal sealed class AbuseIpdbBlacklistLayout : JsonBlocklistLayout
{
    public static AbuseIpdbBlacklistLayout Instance { get; } = new();

    public override string Name => "abuseipdb-json";

    public override string ContentType => "application/json";

    public override int EstimatedBytesPerEntry => 110;

    protected override ReadOnlySpan<byte> Tail => "]}"u8;

    protected override void WriteHead(BlocklistSelection selection, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteStartObject("meta");
        json.WriteString("generatedAt", AbuseIpdbMapper.Time(selection.GeneratedAt));
        json.WriteEndObject();
        json.WriteStartArray("data");
    }

    protected override void WriteEntry(in BlocklistEntry entry, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("ipAddress"u8, entry.AddressText(stackalloc byte[64]));
        json.WriteString("countryCode", entry.CountryCode);
        json.WriteNumber("abuseConfidenceScore", entry.Score);
        json.WriteString("lastReportedAt", AbuseIpdbMapper.Time(entry.LastSeen));
        json.WriteEndObject();
    }
}
