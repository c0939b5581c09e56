namespace Palisade.Core.Reputation;

/// <summary>
/// The reports on every address of one IPv6 /64 taken together: one host moving through its /64 (privacy addresses,
/// a scanner rotating) is one source. <see cref="Score"/> is computed over the evidence of all of them as if it were
/// one address; <see cref="RawScore"/> before the whitelist discount of the checked address.
/// </summary>
public sealed record PrefixReputation(string Prefix, int Addresses, long Reports, int Score, int RawScore, DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen);
