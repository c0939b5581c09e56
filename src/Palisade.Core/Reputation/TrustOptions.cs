namespace Palisade.Core.Reputation;

/// <summary>How reporters earn trust (docs/scoring.md "Reporter trust"). Section <c>Palisade:Trust</c>.</summary>
public sealed class TrustOptions
{
    /// <summary>Another independent report of an address within this time of a reporter's report corroborates it.</summary>
    public TimeSpan CorroborationWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>An address whitelisted with a multiplier at or below this is disputed: it counts against those who reported it.</summary>
    public double DisputedMultiplier { get; set; } = 0.5;

    /// <summary>How often standings are recomputed from the evidence (and reporter networks re-read from the store).</summary>
    public TimeSpan RecomputeInterval { get; set; } = TimeSpan.FromMinutes(5);
}
