namespace Palisade.Core.Scoring;

/// <summary>
/// The result of scoring one address. <see cref="Score"/> is what is answered by default (whitelist discount applied);
/// <see cref="RawScore"/> is the score without the discount (<c>ignoreWhitelist=true</c>).
/// </summary>
public sealed record ScoreBreakdown(
    int Score,
    int RawScore,
    double SensorEvidence,
    double CommunityEvidence,
    double CrossSourceMultiplier,
    double RawEvidence,
    int CriticalFloor,
    double WhitelistMultiplier,
    string? WhitelistName,
    IReadOnlyList<ScoreComponent> Components)
{
    public static readonly ScoreBreakdown Zero = new(0, 0, 0, 0, 1, 0, 0, 1, null, []);
}
