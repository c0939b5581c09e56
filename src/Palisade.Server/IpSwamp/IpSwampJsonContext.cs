using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Palisade.Server.IpSwamp.Contracts;

namespace Palisade.Server.IpSwamp;

/// <summary>Source-generated serializers for the IPSwamp face.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IpSwampError))]
[JsonSerializable(typeof(IpSwampCheckResponse))]
[JsonSerializable(typeof(IpSwampBulkResponse))]
[JsonSerializable(typeof(IpSwampSubnetResponse))]
[JsonSerializable(typeof(IpSwampTestKeyResponse))]
[JsonSerializable(typeof(IpSwampAccountResponse))]
internal sealed partial class IpSwampJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context answers are written with: readable UTF-8 (an apostrophe or × as itself, not \u0027 or \u00D7), which the
    /// clients show verbatim. Only JSON escaping applies; API JSON is never embedded in HTML (the dashboard writes its own).
    /// </summary>
    public static IpSwampJsonContext Api { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
