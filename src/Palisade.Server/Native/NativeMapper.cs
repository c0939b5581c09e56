using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Geo;
using Palisade.Core.Reports;
using Palisade.Core.Reputation;
using Palisade.Server.Access;
using Palisade.Server.Native.Contracts;

namespace Palisade.Server.Native;

/// <summary>Maps the engine's check result onto SikkerAPI's wire shape.</summary>
internal static class NativeMapper
{
    // The default answer (verbose, unfiltered) serialized for a result the index keeps handing out, with the geolocation
    // it showed; it lives exactly as long as the index keeps that result.
    private sealed class KeptJson(CheckResult owner, GeoInfo? geo, byte[] json) : CheckKeepsake(owner)
    {
        public GeoInfo? Geo { get; } = geo;

        public byte[] Json { get; } = json;
    }

    // The answer for an address nothing is known about (BlankLength/WriteBlank): the serializer's bytes around the
    // address, one template per value of isPublic, made on first use.
    private const string Placeholder = "0.0.0.0";
    private static readonly BlankTemplate?[] BlankTemplates = new BlankTemplate?[2];

    private sealed record BlankTemplate(byte[] Head, byte[] Tail);

    /// <summary>
    /// Whether the answer is the blank one (not found, no whitelist entry, no geolocation, no /64 roll-up): then
    /// it differs from any other blank answer only in <c>ip</c> and <c>isPublic</c>, verbose or not, and
    /// <see cref="WriteBlank"/> writes it without mapping or serializing.
    /// </summary>
    public static bool IsBlank(CheckResult result, GeoInfo? geo, PrefixReputation? prefix)
        => !result.Found && geo is null && prefix is null && result.Whitelisted is null && result.Score == 0 && result.FirstSeen is null &&
           result.LastSeen is null && result.TotalSessions == 0 && result.TotalEvents == 0 && result.Protocols.Count == 0 &&
           result.Behaviours.Count == 0 && result.Primitives.Count == 0 && IsPlainAddress(result.Address.Text);

    /// <summary>As <see cref="IsBlank(CheckResult, GeoInfo?, PrefixReputation?)"/> for an address the index knows nothing
    /// about (<see cref="ReputationIndex.CheckKnown"/> answered null, i.e. <see cref="ReputationIndex.NothingKnown"/>).</summary>
    public static bool IsBlank(NormalizedAddress address, GeoInfo? geo, PrefixReputation? prefix)
    {
        ArgumentNullException.ThrowIfNull(address);
        return geo is null && prefix is null && IsPlainAddress(address.Text);
    }

    /// <summary>The length in bytes of the blank answer for <paramref name="address"/> (see <see cref="IsBlank(CheckResult, GeoInfo?, PrefixReputation?)"/>).</summary>
    public static int BlankLength(NormalizedAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var template = Blank(address.IsPublic);
        return template.Head.Length + address.Text.Length + template.Tail.Length;
    }

    /// <summary>Writes the blank answer for <paramref name="address"/> (<see cref="BlankLength"/> bytes): the same bytes
    /// <see cref="ToCheckJson"/> writes for it.</summary>
    public static void WriteBlank(NormalizedAddress address, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(address);
        var template = Blank(address.IsPublic);
        template.Head.CopyTo(destination);
        var at = template.Head.Length + Encoding.ASCII.GetBytes(address.Text, destination[template.Head.Length..]);
        template.Tail.CopyTo(destination[at..]);
    }

    private static BlankTemplate Blank(bool isPublic)
    {
        if (Volatile.Read(ref BlankTemplates[isPublic ? 1 : 0]) is { } made)
        {
            return made;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(new NativeCheckResponse(Placeholder, false, isPublic, 0, null, null, null, 0, 0, [], [], []),
            NativeJsonContext.Api.NativeCheckResponse);
        var marker = Encoding.ASCII.GetBytes("\"" + Placeholder + "\"");
        var at = json.AsSpan().IndexOf(marker);
        if (at < 0 || json.AsSpan(at + marker.Length).IndexOf(marker) >= 0)
        {
            throw new InvalidOperationException("The blank check answer does not name its address exactly once.");
        }

        var template = new BlankTemplate(json[..(at + 1)], json[(at + marker.Length - 1)..]);
        Volatile.Write(ref BlankTemplates[isPublic ? 1 : 0], template);
        return template;
    }

    // Canonical address text (digits, hex letters, dots, colons) is written by the serializer as it is, unescaped.
    private static bool IsPlainAddress(string text)
    {
        if (text.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c) && c is not '.' and not ':')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The answer <see cref="ToCheckJson"/> kept for this result and geolocation, if any.</summary>
    public static bool TryReuseCheckJson(CheckResult result, GeoInfo? geo, bool reusable, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? json)
    {
        ArgumentNullException.ThrowIfNull(result);
        json = reusable && result.Kept() is KeptJson kept && Equals(kept.Geo, geo) ? kept.Json : null;
        return json is not null;
    }

    /// <summary>Whether <paramref name="json"/> is the answer kept with <paramref name="result"/> (see <see cref="ToCheckJson"/>).</summary>
    public static bool IsKept([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] CheckResult? result, byte[] json)
        => result?.Kept() is KeptJson kept && ReferenceEquals(kept.Json, json);

    /// <summary>
    /// The check answer as UTF-8 JSON. With <paramref name="reusable"/> (the result is the index's cached object for
    /// an unfiltered, verbose check without a /64 roll-up, which moves with other addresses' reports) the bytes are kept
    /// with the result and served again while it and the geolocation are unchanged (<see cref="TryReuseCheckJson"/>).
    /// </summary>
    public static byte[] ToCheckJson(CheckResult result, IReadOnlyList<StoredReport> reports, bool verbose, GeoInfo? geo, bool reusable,
        PrefixReputation? prefix = null)
    {
        reusable &= prefix is null;
        var json = JsonSerializer.SerializeToUtf8Bytes(ToCheckResponse(result, reports, verbose, geo, prefix), NativeJsonContext.Api.NativeCheckResponse);
        if (reusable)
        {
            result.Keep(new KeptJson(result, geo, json));
        }

        return json;
    }

    /// <summary>Maps a check result and the reports a verbose answer shows (<see cref="ReportHistory"/>); <paramref name="geo"/>
    /// fills <c>geolocation</c> (null when unknown).</summary>
    public static NativeCheckResponse ToCheckResponse(CheckResult result, IReadOnlyList<StoredReport> reports, bool verbose, GeoInfo? geo = null,
        PrefixReputation? prefix = null)
    {
        var whitelisted = result.Whitelisted is { } entry ? new NativeWhitelistInfo(entry.Name, entry.Source, entry.Multiplier) : null;
        var response = new NativeCheckResponse(
            result.Address.Text,
            result.Found,
            result.Address.IsPublic,
            result.Score,
            ToGeolocation(geo),
            result.FirstSeen is { } first ? WireTime.Rfc3339(first) : null,
            result.LastSeen is { } last ? WireTime.Rfc3339(last) : null,
            result.TotalSessions,
            result.TotalEvents,
            [.. result.Protocols.Select(p => new NativeProtocol(p.Protocol, p.Sessions, p.Events))],
            [.. result.Behaviours.Select(b => new NativeBehavior(b.Name, CategoryCatalog.SeverityName(b.Severity), b.Count, b.Description))],
            [.. result.Primitives.Select(p => new NativePrimitive(p.Name, p.Count, p.Description))])
        {
            Whitelisted = whitelisted,
            Prefix64 = prefix is null ? null : new NativePrefixReputation(prefix.Prefix, prefix.Addresses, prefix.Reports, prefix.Score,
                WireTime.Rfc3339(prefix.FirstSeen), WireTime.Rfc3339(prefix.LastSeen)),
        };
        if (!verbose || !result.Found)
        {
            return response;
        }

        var b = result.Breakdown;
        return response with
        {
            Categories = [.. result.Categories.Select(c => new NativeCategoryCount(c.Id, c.Name, c.Count))],
            Reports = [.. reports.Select(r => new NativeReportSummary(
                WireTime.Rfc3339(r.ReportedAt),
                [.. r.Categories.Select(id => CategoryCatalog.Get(id).Name)],
                r.Protocol,
                r.Port,
                r.Comment,
                r.Source.ToString().ToLowerInvariant()))],
            Timeline = [.. result.Timeline.Select(d => new NativeTimelinePoint(d.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.Count))],
            ScoreBreakdown = new NativeScoreBreakdown(b.Score, b.RawScore, b.SensorEvidence, b.CommunityEvidence, b.CrossSourceMultiplier,
                b.RawEvidence, b.CriticalFloor, b.WhitelistMultiplier, b.WhitelistName, b.Components),
        };
    }

    /// <summary>SikkerAPI's geolocation: <c>asn</c> as a number in a string; continent and AS domain added.</summary>
    public static NativeGeolocation? ToGeolocation(GeoInfo? geo)
        => geo is null ? null : new NativeGeolocation(geo.CountryCode, geo.CountryName, null, geo.AsnNumber, geo.AsName, false, false)
        {
            ContinentCode = geo.ContinentCode,
            ContinentName = geo.ContinentName,
            AsDomain = geo.AsDomain,
        };
}
