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
internal sealed partial class ReportedIpJsonContext : JsonSerializerContext;
