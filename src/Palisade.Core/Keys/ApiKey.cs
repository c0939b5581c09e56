namespace Palisade.Core.Keys;

/// <summary>
/// A stored API key. The secret itself is never kept: only its SHA-256 <see cref="Hash"/> and a short
/// <see cref="Prefix"/> ("sk_free_AbC1") so people can tell keys apart.
/// </summary>
public sealed record ApiKey(
    long Id,
    string Name,
    string TierId,
    byte[] Hash,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    IReadOnlyDictionary<QuotaFamily, long> LimitOverrides)
{
    public bool IsRevoked => RevokedAt is not null;
}
