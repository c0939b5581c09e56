namespace Palisade.Server;

/// <summary>A tier as written in configuration: daily limits per family (absent = default, -1 = unlimited), features, trust.</summary>
public sealed class TierSettings
{
    public string? DisplayName { get; set; }

    public Dictionary<string, long> Limits { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string>? Features { get; set; }

    public double? Trust { get; set; }

    public bool? Sensor { get; set; }

    /// <summary>The operator vouches for this tier's keys (no new-reporter or corroboration discount); see docs/scoring.md.</summary>
    public bool? Vouched { get; set; }

    /// <summary>Reporters of this tier sharing a network count as at most a few reporters; see docs/scoring.md.</summary>
    public bool? GroupByNetwork { get; set; }
}
