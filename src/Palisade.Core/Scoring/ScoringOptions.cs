using Palisade.Core.Categories;

namespace Palisade.Core.Scoring;

/// <summary>Tunables of the score. Defaults are the documented ones (docs/scoring.md); "raw" means raw evidence points.</summary>
public sealed class ScoringOptions
{
    /// <summary>Half-life of evidence in days; 0 disables decay.</summary>
    public double HalfLifeDays { get; set; } = 30;

    /// <summary>Raw points of a very_high behaviour (SikkerAPI's published weight).</summary>
    public double WeightVeryHigh { get; set; } = 55;

    /// <summary>Raw points of a high behaviour.</summary>
    public double WeightHigh { get; set; } = 35;

    /// <summary>Raw points of a medium behaviour.</summary>
    public double WeightMedium { get; set; } = 20;

    /// <summary>Raw points of a low behaviour.</summary>
    public double WeightLow { get; set; } = 8;

    /// <summary>Raw points of an info behaviour.</summary>
    public double WeightInfo { get; set; } = 3;

    /// <summary>Cap of the sqrt-scaled observation count of one sensor for one behaviour (6 = reached at 36 observations).</summary>
    public double SensorCountCap { get; set; } = 6;

    /// <summary>Raw points per additional distinct sensor behaviour (category × protocol) beyond the strongest one.</summary>
    public double BehaviourDiversityBonus { get; set; } = 6;

    /// <summary>Raw points per additional distinct protocol seen by sensors beyond the strongest one.</summary>
    public double ProtocolDiversityBonus { get; set; } = 4;

    /// <summary>Raw points of one fresh high-severity community report from a reporter of trust 1.0.</summary>
    public double CommunityReportWeight { get; set; } = 15;

    /// <summary>Growth of one reporter's volume: its n-th report adds <c>factor × ln(n / (n − 1))</c> report-equivalents.</summary>
    public double CommunityVolumeFactor { get; set; } = 0.5;

    /// <summary>Most raw points one community reporter can contribute, however many reports it sends (35 raw = score 39).</summary>
    public double CommunityReporterCeiling { get; set; } = 35;

    /// <summary>Largest cross-source bonus: raw evidence is multiplied by at most <c>1 + this</c> when sensors and reporters agree.</summary>
    public double CrossSourceMaxBonus { get; set; } = 0.5;

    /// <summary>Raw points of the weaker of sensor and community evidence at which the full cross-source bonus applies.</summary>
    public double CrossSourceFullAt { get; set; } = 70;

    /// <summary>Scale of the saturation curve <c>100 × (1 − e^(−raw / scale))</c>.</summary>
    public double SaturationScale { get; set; } = 70;

    /// <summary>Minimum score when a sensor saw a very_high behaviour (fades with that evidence's age and trust).</summary>
    public int SensorCriticalFloor { get; set; } = 60;

    /// <summary>Minimum score when only community reporters reported a very_high behaviour; at most the score of
    /// <see cref="CommunityReporterCeiling"/>, so one reporter alone still cannot exceed its ceiling.</summary>
    public int CommunityCriticalFloor { get; set; } = 35;

    /// <summary>Most community reporters one network group counts as (reporters seen in or created from one /24 or /48):
    /// the strongest this many count, the rest add nothing.</summary>
    public int NetworkReporterCap { get; set; } = 2;

    /// <summary>Most raw points all provisional (self-service, uncorroborated) reporters together contribute: 20 raw = score 25,
    /// so in any number they cannot list an address at 50.</summary>
    public double ProvisionalCeiling { get; set; } = 20;

    /// <summary>The raw weight of a severity.</summary>
    public double WeightOf(Severity severity) => severity switch
    {
        Severity.VeryHigh => WeightVeryHigh,
        Severity.High => WeightHigh,
        Severity.Medium => WeightMedium,
        Severity.Low => WeightLow,
        _ => WeightInfo,
    };
}
