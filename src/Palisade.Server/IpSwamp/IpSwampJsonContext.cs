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
internal sealed partial class IpSwampJsonContext : JsonSerializerContext;
