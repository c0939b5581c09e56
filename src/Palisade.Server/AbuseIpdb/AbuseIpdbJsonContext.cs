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
internal sealed partial class AbuseIpdbJsonContext : JsonSerializerContext;
