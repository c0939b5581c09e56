using Palisade.Core.Scoring;

namespace Palisade.Server.Native.Contracts;

/// <summary>The verbose explanation of a score: each component's contribution (docs/scoring.md).</summary>
public sealed record NativeScoreBreakdown(
    int Score,
    int RawScore,
    double SensorEvidence,
    double CommunityEvidence,
    double CrossSourceMultiplier,
    double RawEvidence,
    int CriticalFloor,
    double WhitelistMultiplier,
    string? WhitelistName,
    IReadOnlyList<ScoreComponent> Components);
