namespace Palisade.Core.Reputation;

/// <summary>Reports received on one UTC day.</summary>
public sealed record DailyCount(DateOnly Date, long Count);
