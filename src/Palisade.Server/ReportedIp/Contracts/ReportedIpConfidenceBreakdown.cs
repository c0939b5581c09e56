namespace Palisade.Server.ReportedIp.Contracts;

/// <summary>The detailed confidence breakdown of a verbose check: the score, the score before the whitelist discount, and
/// each component's contribution (docs/scoring.md).</summary>
public sealed record ReportedIpConfidenceBreakdown(int Score, int RawScore, IReadOnlyList<ReportedIpScoreComponent> Components);
