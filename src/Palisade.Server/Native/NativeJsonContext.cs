using System.Text.Encodings.Web;
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
[JsonSerializable(typeof(NativeEmailResponse))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(BulkReportResponse))]
[JsonSerializable(typeof(BulkCheckResponse))]
internal sealed partial class NativeJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context answers are written with: readable UTF-8 (an apostrophe or × as itself, not \u0027 or \u00D7), which the
    /// clients show verbatim. Only JSON escaping applies; API JSON is never embedded in HTML (the dashboard writes its own).
    /// </summary>
    public static NativeJsonContext Api { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
