using System.Text.Json;
using Palisade.Core.Blocklists;
using Palisade.Core.Categories;
using Palisade.Server.Access;

namespace Palisade.Server.ReportedIp;

/// <summary>ReportedIP's blacklist JSON: <c>{"meta":{success, code, message},"data":[{ip, confidence, categories,
/// last_reported}]}</c> with ReportedIP's category numbers.</summary>
internal sealed class ReportedIpBlacklistLayout : JsonBlocklistLayout
{
    public static ReportedIpBlacklistLayout Instance { get; } = new();

    public override string Name => "reportedip-json";

    public override int EstimatedBytesPerEntry => 90;

    protected override ReadOnlySpan<byte> Tail => "]}"u8;

    protected override void WriteHead(BlocklistSelection selection, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteStartObject("meta");
        json.WriteBoolean("success", true);
        json.WriteNumber("code", 200);
        json.WriteString("message", "OK");
        json.WriteEndObject();
        json.WriteStartArray("data");
    }

    protected override void WriteEntry(in BlocklistEntry entry, Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("ip"u8, entry.AddressText(stackalloc byte[64]));
        json.WriteNumber("confidence", entry.Score);
        json.WriteStartArray("categories");
        foreach (var id in entry.Categories.Select(CategoryCatalog.ToReportedIp).Distinct())
        {
            json.WriteNumberValue(id);
        }

        json.WriteEndArray();
        json.WriteString("last_reported", WireTime.Rfc3339(entry.LastSeen));
        json.WriteEndObject();
    }
}
