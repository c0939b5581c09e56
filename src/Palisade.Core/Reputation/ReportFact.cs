using Palisade.Core.Scoring;

namespace Palisade.Core.Reputation;

/// <summary>One category of one retained report, kept in memory: what scoring and the check response need, no comment.</summary>
public readonly record struct ReportFact(
    long ReportId,
    long KeyId,
    ReporterKind Kind,
    double Trust,
    int CategoryId,
    string? Protocol,
    int? Port,
    string? Username,
    DateTimeOffset At,
    ReportSource Source,
    string? Email = null)
{
    public Evidence ToEvidence() => new(KeyId, Kind, Trust, CategoryId, Protocol, At, Source);
}
