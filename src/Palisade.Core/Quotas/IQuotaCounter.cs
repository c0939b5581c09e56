using Palisade.Core.Keys;

namespace Palisade.Core.Quotas;

/// <summary>
/// Daily per-key, per-family counters. Implementations must never over-admit: N concurrent charges against a
/// remaining quota of R grant exactly R units in total.
/// </summary>
public interface IQuotaCounter
{
    /// <summary>Charges all of <paramref name="units"/> or nothing.</summary>
    ValueTask<QuotaDecision> TryConsumeAsync(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now);

    /// <summary>Charges as many of <paramref name="units"/> as remain (blacklists are cut to the remaining quota).</summary>
    ValueTask<QuotaDecision> ConsumeUpToAsync(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now);

    /// <summary>Gives units back, e.g. when a charged write failed.</summary>
    ValueTask RefundAsync(long keyId, QuotaFamily family, long units, DateTimeOffset now);

    ValueTask<QuotaDecision> PeekAsync(long keyId, QuotaFamily family, long? limit, DateTimeOffset now);
}
