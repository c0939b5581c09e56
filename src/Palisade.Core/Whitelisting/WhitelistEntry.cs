using System.Net;

namespace Palisade.Core.Whitelisting;

/// <summary>
/// A known-good network. The score of an address inside it is multiplied by <see cref="Multiplier"/> (0 = never listed,
/// 1 = no discount). <see cref="Source"/> is "builtin", "misp:&lt;list&gt;" or "operator".
/// </summary>
public sealed record WhitelistEntry(IPNetwork Network, string Name, double Multiplier, string Source, DateTimeOffset? ExpiresAt = null);
