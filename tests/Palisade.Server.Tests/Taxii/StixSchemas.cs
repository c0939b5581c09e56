using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace Palisade.Server.Tests.Taxii;

/// <summary>
/// Validates STIX objects against the OASIS STIX 2.1 JSON schemas (copied unchanged into Taxii/Schemas).
/// </summary>
internal static class StixSchemas
{
    private static readonly Lazy<Task<Dictionary<string, JsonSchema>>> Schemas = new(LoadAsync);

    /// <summary>The schema errors of one object (empty when valid); an object of a type without a schema is an error.</summary>
    public static async Task<IReadOnlyList<string>> ValidateAsync(string objectJson)
    {
        // Timestamps must stay strings: Newtonsoft would otherwise turn them into dates and skip the string patterns.
        using var reader = new JsonTextReader(new StringReader(objectJson)) { DateParseHandling = DateParseHandling.None };
        var token = JToken.ReadFrom(reader);
        var type = token["type"]?.Value<string>() ?? "(no type)";
        var schemas = await Schemas.Value;
        if (!schemas.TryGetValue(type, out var schema))
        {
            return [$"no schema for type {type}"];
        }

        return [.. schema.Validate(token).Select(e => e.ToString())];
    }

    private static async Task<Dictionary<string, JsonSchema>> LoadAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Taxii", "Schemas");
        var schemas = new Dictionary<string, JsonSchema>(StringComparer.Ordinal)
        {
            ["indicator"] = await JsonSchema.FromFileAsync(Path.Combine(folder, "sdos", "indicator.json")),
            ["identity"] = await JsonSchema.FromFileAsync(Path.Combine(folder, "sdos", "identity.json")),
            ["marking-definition"] = await JsonSchema.FromFileAsync(Path.Combine(folder, "common", "marking-definition.json")),
        };
        foreach (var schema in schemas.Values)
        {
            RestoreDateEnums(schema, []);
        }

        return schemas;
    }

    // NJsonSchema reads the schema files with Newtonsoft's date parsing, so an enum of timestamp strings (the TLP
    // markings' fixed "created") becomes DateTime values that no string equals. Put them back as the STIX text.
    private static void RestoreDateEnums(JsonSchema? schema, HashSet<JsonSchema> seen)
    {
        if (schema is null || !seen.Add(schema))
        {
            return;
        }

        if (schema.Enumeration is { Count: > 0 } && schema.Enumeration.Any(e => e is DateTime))
        {
            var values = schema.Enumeration.ToList();
            schema.Enumeration.Clear();
            foreach (var value in values)
            {
                schema.Enumeration.Add(value is DateTime date
                    ? date.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture)
                    : value);
            }
        }

        var children = (schema.Properties?.Values.Cast<JsonSchema>() ?? [])
            .Concat(schema.AllOf).Concat(schema.AnyOf).Concat(schema.OneOf)
            .Concat(schema.Definitions.Values)
            .Concat(schema.PatternProperties.Values.Cast<JsonSchema>());
        if (schema.Not is not null)
        {
            children = children.Append(schema.Not);
        }

        if (schema.Item is not null)
        {
            children = children.Append(schema.Item);
        }

        if (schema.HasReference)
        {
            children = children.Append(schema.Reference!);
        }

        foreach (var child in children.ToList())
        {
            RestoreDateEnums(child, seen);
        }
    }
}
