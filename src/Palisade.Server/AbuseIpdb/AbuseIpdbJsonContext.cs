using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Palisade.Server.AbuseIpdb.Contracts;

namespace Palisade.Server.AbuseIpdb;

/// <summary>Source-generated serializers for the AbuseIPDB face.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AbuseIpdbErrorBody))]
[JsonSerializable(typeof(AbuseIpdbEnvelope<AbuseIpdbCheckData>))]
[JsonSerializable(typeof(AbuseIpdbEnvelope<AbuseIpdbReportData>))]
[JsonSerializable(typeof(AbuseIpdbEnvelope<AbuseIpdbBulkReportData>))]
[JsonSerializable(typeof(AbuseIpdbEnvelope<AbuseIpdbReportsPage>))]
[JsonSerializable(typeof(AbuseIpdbEnvelope<AbuseIpdbCheckBlockData>))]
[JsonSerializable(typeof(AbuseIpdbEnvelope<AbuseIpdbClearAddressData>))]
[JsonSerializable(typeof(AbuseIpdbBlacklistResponse))]
internal sealed partial class AbuseIpdbJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context answers are written with: readable UTF-8 (an apostrophe or × as itself, not \u0027 or \u00D7), which the
    /// clients show verbatim. Only JSON escaping applies; API JSON is never embedded in HTML (the dashboard writes its own).
    /// </summary>
    public static AbuseIpdbJsonContext Api { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
