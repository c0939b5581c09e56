namespace Palisade.Server.Native.Contracts;

/// <summary>A behaviour seen from an address (brute force, scanning, …).</summary>
/// <param name="Name">The behaviour's name.</param>
/// <param name="Severity"><c>info</c>, <c>low</c>, <c>medium</c>, <c>high</c> or <c>very_high</c>.</param>
/// <param name="Count">Reports showing it.</param>
/// <param name="Description">What it means.</param>
public sealed record NativeBehavior(string Name, string Severity, long Count, string? Description);
