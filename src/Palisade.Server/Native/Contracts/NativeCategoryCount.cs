namespace Palisade.Server.Native.Contracts;

public sealed record NativeCategoryCount(int Id, string Name, long Count);
