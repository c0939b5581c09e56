using System.Text.Json;
using System.Text.Json.Serialization;
using Palisade.Server.Native.Contracts;

namespace Palisade.Server.Native;

/// <summary>Source-generated serializers for the native face: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NativeError))]
[JsonSerializable(typeof(BlacklistMeta))]
[JsonSerializable(typeof(BlacklistResponse))]
[JsonSerializable(typeof(BlacklistChangesResponse))]
[JsonSerializable(typeof(NativeCheckResponse))]
[JsonSerializable(typeof(NativeReportResponse))]
[JsonSerializable(typeof(NativeStatusResponse))]
[JsonSerializable(typeof(NativeUsernameResponse))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(BulkReportResponse))]
[JsonSerializable(typeof(BulkCheckResponse))]
internal sealed partial class NativeJsonContext : JsonSerializerContext;
