namespace Palisade.Core.Scoring;

/// <summary>One report or sensor observation, reduced to what the score needs.</summary>
/// <param name="ReporterId">Stable, opaque id of the reporter (all keys of one reporter share it).</param>
/// <param name="Kind">Community or sensor.</param>
/// <param name="ReporterTrust">Trust weight of the reporter in [0, 1.5]; see <see cref="ReporterTrust"/>.</param>
/// <param name="CategoryId">Native category id (1–16).</param>
/// <param name="Protocol">Lower-case protocol ("ssh") or null.</param>
/// <param name="At">When the activity was seen.</param>
/// <param name="Source">Local or feed.</param>
public readonly record struct Evidence(
    long ReporterId,
    ReporterKind Kind,
    double ReporterTrust,
    int CategoryId,
    string? Protocol,
    DateTimeOffset At,
    ReportSource Source)
{
    /// <summary>The network group of the reporter (reporters seen in, or created from, one /24 or /48); 0 = none.
    /// A group's community reporters count as at most <see cref="ScoringOptions.NetworkReporterCap"/>.</summary>
    public long Network { get; init; }

    /// <summary>A self-service reporter nobody independent has corroborated yet: its community evidence goes to the
    /// provisional pool (at most <see cref="ScoringOptions.ProvisionalCeiling"/> raw together) and sets no critical floor.</summary>
    public bool Provisional { get; init; }
}
