using System.Globalization;
using System.Text.Json;
using Palisade.Core.Blocklists;
using Palisade.Core.Geo;
using Palisade.Server.Native.Contracts;

namespace Palisade.Server.Native;

/// <summary>The native list in <see cref="BlacklistResponse"/>'s shape (what SikkerAPI's client decodes), written
/// without building a response object per entry.</summary>
public sealed class NativeBlacklistLayout(IGeoLookup geo, int beforeQuota) : JsonBlocklistLayout
{
    private static readonly JsonEncodedText MetaName = JsonEncodedText.Encode("meta");
    private static readonly JsonEncodedText DataName = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText IpName = JsonEncodedText.Encode("ip");
    private static readonly JsonEncodedText ConfidenceName = JsonEncodedText.Encode("confidenceLevel");
    private static readonly JsonEncodedText LastSeenName = JsonEncodedText.Encode("lastSeen");
    private static readonly JsonEncodedText SessionsName = JsonEncodedText.Encode("sessions");
    private static readonly JsonEncodedText ProtocolsName = JsonEncodedText.Encode("protocols");
    private static readonly JsonEncodedText CountryName = JsonEncodedText.Encode("countryCode");
    private static readonly JsonEncodedText AsnName = JsonEncodedText.Encode("asn");
    private static readonly JsonEncodedText AsnOrgName = JsonEncodedText.Encode("asnOrg");
    private static readonly JsonEncodedText ExpiresName = JsonEncodedText.Encode("expiresAt");

    public override string Name => "native-json";

    // The meta block shows the quota cut (entries before it) next to the count.
    public override string Variant => beforeQuota.ToString(CultureInfo.InvariantCulture);

    public override int EstimatedBytesPerEntry => 130;

    protected override ReadOnlySpan<byte> Tail => "]}"u8;

    protected override void WriteHead(BlocklistSelection selection, Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(json);
        var truncated = selection.Count < beforeQuota;
        var meta = new BlacklistMeta(selection.GeneratedAt.ToUnixTimeMilliseconds(), selection.Query.ScoreMinimum, selection.Query.Limit,
            selection.Count, selection.Total, truncated, selection.Cursor)
        {
            TruncatedReason = truncated ? "quota" : null,
        };
        json.WriteStartObject();
        json.WritePropertyName(MetaName);
        JsonSerializer.Serialize(json, meta, NativeJsonContext.Api.BlacklistMeta);
        json.WriteStartArray(DataName);
    }

    protected override void WriteEntry(in BlocklistEntry entry, Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString(IpName, entry.AddressText(stackalloc byte[64]));
        json.WriteNumber(ConfidenceName, entry.Score);
        json.WriteNumber(LastSeenName, entry.LastSeenUnixMilliseconds);
        json.WriteNumber(SessionsName, entry.Sessions);
        json.WriteStartArray(ProtocolsName);
        foreach (var protocol in entry.ProtocolSpan)
        {
            json.WriteStringValue(protocol);
        }

        json.WriteEndArray();
        // Unknown geo fields are left out rather than written as null: SikkerAPI's client reads both as empty, and a
        // million nulls are a fifth of the list.
        if (entry.CountryCode is { } country)
        {
            json.WriteString(CountryName, country);
        }

        if (entry.Asn is { } asn)
        {
            Span<byte> asnText = stackalloc byte[10];
            asn.TryFormat(asnText, out var length, default, CultureInfo.InvariantCulture);
            json.WriteString(AsnName, asnText[..length]);
            if (geo.AsName(asn) is { } organisation)
            {
                json.WriteString(AsnOrgName, organisation);
            }
        }

        json.WriteNumber(ExpiresName, entry.ExpiresAtUnixMilliseconds);
        json.WriteEndObject();
    }
}
