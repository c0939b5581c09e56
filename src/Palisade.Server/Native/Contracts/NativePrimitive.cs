namespace Palisade.Server.Native.Contracts;

/// <summary>A low-level observation behind the behaviours (a login attempt, a port probe, …).</summary>
/// <param name="Name">Its name.</param>
/// <param name="Count">How often it was seen.</param>
/// <param name="Description">What it means.</param>
public sealed record NativePrimitive(string Name, long Count, string? Description);
