using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Palisade.Server.ReportedIp.Contracts;

namespace Palisade.Server.ReportedIp;

/// <summary>Source-generated serializers for the ReportedIP face.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReportedIpEnvelope<object>))]
[JsonSerializable(typeof(ReportedIpEnvelope<ReportedIpRetry>))]
[JsonSerializable(typeof(ReportedIpEnvelope<ReportedIpCheckData>))]
[JsonSerializable(typeof(ReportedIpEnvelope<ReportedIpReportData>))]
[JsonSerializable(typeof(ReportedIpEnvelope<ReportedIpWhitelistData>))]
[JsonSerializable(typeof(ReportedIpEnvelope<ReportedIpBulkCheckData>))]
[JsonSerializable(typeof(ReportedIpEnvelope<ReportedIpBulkReportData>))]
[JsonSerializable(typeof(ReportedIpEnvelope<ReportedIpVerifyKeyData>))]
[JsonSerializable(typeof(ReportedIpEnvelope<IReadOnlyList<ReportedIpCategoryInfo>>))]
[JsonSerializable(typeof(ReportedIpEnvelope<ReportedIpSearchData>))]
[JsonSerializable(typeof(ReportedIpEnvelope<ReportedIpStatsData>))]
internal sealed partial class ReportedIpJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context answers are written with: readable UTF-8 (an apostrophe or × as itself, not \u0027 or \u00D7), which the
    /// clients show verbatim. Only JSON escaping applies; API JSON is never embedded in HTML (the dashboard writes its own).
    /// </summary>
    public static ReportedIpJsonContext Api { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
