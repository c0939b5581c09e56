namespace Palisade.Core.Scoring;

/// <summary>
/// The two numbers of a score without its explanation (<see cref="ScoreCalculator.CalculateCompact(IReadOnlyList{Evidence}, DateTimeOffset, Whitelisting.WhitelistEntry?)"/>): what a blocklist
/// of a million addresses keeps per address, where a full <see cref="ScoreBreakdown"/> would cost a kilobyte each.
/// </summary>
/// <param name="Score">0–100 after the whitelist discount (<see cref="ScoreBreakdown.Score"/>).</param>
/// <param name="RawScore">0–100 before the discount (<see cref="ScoreBreakdown.RawScore"/>).</param>
public readonly record struct CompactScore(int Score, int RawScore);
