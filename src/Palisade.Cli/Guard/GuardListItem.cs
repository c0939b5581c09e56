namespace Palisade.Cli.Guard;

/// <summary>One entry of the native blocklist JSON; the guard needs only the address.</summary>
internal sealed record GuardListItem(string? Ip);
