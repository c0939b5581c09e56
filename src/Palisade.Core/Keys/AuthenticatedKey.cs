namespace Palisade.Core.Keys;

/// <summary>A key that passed authentication, with its tier resolved.</summary>
public sealed record AuthenticatedKey(ApiKey Key, Tier Tier)
{
    /// <summary>The key's own limit for a family when it has one, else its tier's; null = unlimited.</summary>
    public long? LimitFor(QuotaFamily family)
        => Key.LimitOverrides.TryGetValue(family, out var own) ? own : Tier.LimitFor(family);
}
