namespace Palisade.Server.Native.Contracts;

public sealed record NativeTimelinePoint(string Date, long Count);
