namespace Palisade.Server.Native.Contracts;

public sealed record NativeProtocol(string Protocol, long Sessions, long Events);
