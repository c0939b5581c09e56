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

    /// <summary>
    /// The reporter this key reports as (docs/scoring.md "Reporters"): every key of one dashboard account shares the
    /// account's reporter ("account-7"); an operator key is its own reporter ("key-12") unless grouped by name. Null
    /// when creating: the store names it.
    /// </summary>
    public string? Reporter { get; init; }

    /// <summary>Opaque, random id of <see cref="Reporter"/>: what the score and the faces show instead of key ids.</summary>
    public long ReporterId { get; init; }

    /// <summary>Made by someone through dashboard sign-up rather than by the operator: starts as a provisional reporter.</summary>
    public bool SelfService { get; init; }

    /// <summary>The network (/24 or /48) the key was created from, for self-service keys; null otherwise.</summary>
    public string? Network { get; init; }
}
