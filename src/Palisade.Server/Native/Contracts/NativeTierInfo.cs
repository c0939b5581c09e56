namespace Palisade.Server.Native.Contracts;

public sealed record NativeTierInfo(string Id, string Name);
