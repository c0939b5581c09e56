namespace Palisade.Server.Native.Contracts;

public sealed record NativePrimitive(string Name, long Count, string? Description);
