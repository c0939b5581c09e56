using System.Text.Json;

namespace Palisade.Core.Keys;

/// <summary>How a key's own per-family limits are stored: a small JSON object such as {"check":3}.</summary>
public static class KeyLimitsCodec
{
    public static string? Encode(IReadOnlyDictionary<QuotaFamily, long> limits)
        => limits.Count == 0 ? null : JsonSerializer.Serialize(limits.ToDictionary(p => QuotaFamilies.Name(p.Key), p => p.Value));

    public static Dictionary<QuotaFamily, long> Decode(string? json)
    {
        var limits = new Dictionary<QuotaFamily, long>();
        if (string.IsNullOrEmpty(json))
        {
            return limits;
        }

        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? [])
        {
            if (QuotaFamilies.TryParse(name, out var family))
            {
                limits[family.Value] = value;
            }
        }

        return limits;
    }
}
