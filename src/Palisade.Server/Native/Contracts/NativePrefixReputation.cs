namespace Palisade.Server.Native.Contracts;

/// <summary>The /64 an IPv6 address belongs to, all its reported addresses taken together (Palisade's addition).</summary>
public sealed record NativePrefixReputation(string Prefix, int Addresses, long Reports, int ConfidenceLevel, string FirstSeen, string LastSeen);
