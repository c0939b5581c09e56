namespace Palisade.Server.Native.Contracts;

/// <summary>Reports of one day.</summary>
/// <param name="Date">The day (yyyy-MM-dd, UTC).</param>
/// <param name="Count">Reports that day.</param>
public sealed record NativeTimelinePoint(string Date, long Count);
