using System.Text.Json;
using Palisade.Core.Blocklists;
using Palisade.Server.Access;

namespace Palisade.Server.IpSwamp;

/// <summary>IPSwamp's export as JSON: <c>[{ip, score, threat_level, last_attack, total_hits, country_code}]</c>.</summary>
internal sealed class IpSwampExportJsonLayout : JsonBlocklistLayout
{
    public static IpSwampExportJsonLayout Instance { get; } = new();

    public override string Name => "ipswamp-json";

    public override int EstimatedBytesPerEntry => 130;

    protected override ReadOnlySpan<byte> Tail => "]"u8;

    protected override void WriteHead(BlocklistSelection selection, Utf8JsonWriter json) => json.WriteStartArray();

    protected override void WriteEntry(in BlocklistEntry entry, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("ip"u8, entry.AddressText(stackalloc byte[64]));
        json.WriteNumber("score", entry.Score);
        json.WriteString("threat_level", IpSwampApi.Level(entry.Score));
        json.WriteString("last_attack", WireTime.Rfc3339(entry.LastSeen));
        json.WriteNumber("total_hits", entry.Sessions);
        json.WriteString("country_code", entry.CountryCode);
        json.WriteEndObject();
    }
}
