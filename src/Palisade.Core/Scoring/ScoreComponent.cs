namespace Palisade.Core.Scoring;

/// <summary>One line of the verbose breakdown: a named contribution to the raw score (or a multiplier) and why.</summary>
public sealed record ScoreComponent(string Name, double Value, string Detail);
