namespace Palisade.Server.Native.Contracts;

public sealed record NativeBehavior(string Name, string Severity, long Count, string? Description);
