namespace Palisade.Core.Scoring;

/// <summary>One report or sensor observation, reduced to what the score needs.</summary>
/// <param name="ReporterId">Stable id of the reporting key.</param>
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
    ReportSource Source);
