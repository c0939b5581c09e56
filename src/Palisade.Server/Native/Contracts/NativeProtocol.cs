namespace Palisade.Server.Native.Contracts;

/// <summary>Activity per protocol.</summary>
/// <param name="Protocol">The protocol (<c>ssh</c>, <c>http</c>, …).</param>
/// <param name="Sessions">Sessions seen.</param>
/// <param name="Events">Events seen.</param>
public sealed record NativeProtocol(string Protocol, long Sessions, long Events);
