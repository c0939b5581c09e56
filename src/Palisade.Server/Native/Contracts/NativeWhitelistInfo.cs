namespace Palisade.Server.Native.Contracts;

/// <summary>The whitelist entry covering the address: its name, source and the multiplier applied to the score.</summary>
public sealed record NativeWhitelistInfo(string Name, string Source, double Multiplier);
