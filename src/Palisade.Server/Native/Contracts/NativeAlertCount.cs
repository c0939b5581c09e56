namespace Palisade.Server.Native.Contracts;

public sealed record NativeAlertCount(int Current, int Limit);
