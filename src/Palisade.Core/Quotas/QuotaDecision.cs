using Palisade.Core.Keys;

namespace Palisade.Core.Quotas;

/// <summary>
/// The outcome of charging a key's family quota: how many units were granted and the state after the charge.
/// <see cref="Limit"/> is null for unlimited.
/// </summary>
public readonly record struct QuotaDecision(QuotaFamily Family, long Requested, long Granted, long Used, long? Limit, DateTimeOffset ResetsAt)
{
    public bool Allowed => Granted == Requested;

    public long? Remaining => Limit is { } limit ? Math.Max(0, limit - Used) : null;
}
