namespace Palisade.Server;

/// <summary>A tier as written in configuration: daily limits per family (absent = default, -1 = unlimited), features, trust.</summary>
public sealed class TierSettings
{
    public string? DisplayName { get; set; }

    public Dictionary<string, long> Limits { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string>? Features { get; set; }

    public double? Trust { get; set; }

    public bool? Sensor { get; set; }
}
