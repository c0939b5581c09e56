using System.Text.Json.Serialization;

namespace Palisade.Cli.Guard;

/// <summary>Source-generated JSON for the guard's wire shapes and its state file.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(GuardListResponse))]
[JsonSerializable(typeof(GuardChangesResponse))]
[JsonSerializable(typeof(GuardErrorResponse))]
[JsonSerializable(typeof(GuardState))]
internal sealed partial class GuardJsonContext : JsonSerializerContext;
