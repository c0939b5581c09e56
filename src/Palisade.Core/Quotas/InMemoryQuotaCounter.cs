using Palisade.Core.Keys;

namespace Palisade.Core.Quotas;

/// <summary>
/// Single-node quota counters held in memory and updated with compare-and-swap, so charging costs no database write.
/// <see cref="Snapshot"/> hands dirty counters to a flusher that persists them (every second by default): a crash
/// can forget at most the charges of the last flush interval, never grant a fresh quota: the charge that uses a quota
/// up is written to the store before it is answered, so a kill -9 right after finds the quota still used up.
/// </summary>
public sealed class InMemoryQuotaCounter(IQuotaStore? store = null) : IQuotaCounter, IQuotaJournal
{
    private readonly QuotaCells _cells = new();

    public ValueTask<QuotaDecision> TryConsumeAsync(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now)
        => Persisted(keyId, now, Charge(keyId, family, units, limit, now, partial: false));

    public ValueTask<QuotaDecision> ConsumeUpToAsync(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now)
        => Persisted(keyId, now, Charge(keyId, family, units, limit, now, partial: true));

    /// <summary>Once per exhaustion (the charge that reaches the limit), the counter goes to the store synchronously.
    /// A failed write is left to the periodic flush (the cell stays dirty).</summary>
    private ValueTask<QuotaDecision> Persisted(long keyId, DateTimeOffset now, QuotaDecision decision)
    {
        if (store is null || decision.Granted == 0 || decision.Limit is not { } limit || decision.Used < limit || decision.Used - decision.Granted >= limit)
        {
            return ValueTask.FromResult(decision);
        }

        return SaveAsync(new QuotaUsage(keyId, decision.Family, QuotaDay.Of(now), decision.Used), decision);
    }

    private async ValueTask<QuotaDecision> SaveAsync(QuotaUsage usage, QuotaDecision decision)
    {
        try
        {
            await store!.SaveAsync([usage], CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The store is unavailable: the periodic flush retries; the answer itself does not depend on it.
        }

        return decision;
    }

    public ValueTask RefundAsync(long keyId, QuotaFamily family, long units, DateTimeOffset now)
    {
        if (units > 0 && _cells.Find(keyId, family, QuotaDay.Of(now)) is { } cell)
        {
            long current;
            do
            {
                current = cell.Used;
            }
            while (!cell.TryAdvance(current, Math.Max(0, current - units)));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<QuotaDecision> PeekAsync(long keyId, QuotaFamily family, long? limit, DateTimeOffset now)
        => ValueTask.FromResult(Charge(keyId, family, 0, limit, now, partial: false));

    public void Load(IEnumerable<QuotaUsage> usages) => _cells.Load(usages);

    public IReadOnlyList<QuotaUsage> Snapshot(bool onlyDirty = true) => _cells.Snapshot(onlyDirty);

    public void MarkDirty(IEnumerable<QuotaUsage> usages) => _cells.MarkDirty(usages);

    public void ForgetBefore(int day) => _cells.ForgetBefore(day);

    private QuotaDecision Charge(long keyId, QuotaFamily family, long units, long? limit, DateTimeOffset now, bool partial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        var reset = QuotaDay.NextReset(now);
        var cell = _cells.GetOrAdd(keyId, family, QuotaDay.Of(now));
        while (true)
        {
            var used = cell.Used;
            var granted = units;
            if (limit is { } max)
            {
                var remaining = Math.Max(0, max - used);
                if (units > remaining)
                {
                    granted = partial ? remaining : 0;
                }
            }

            if (granted == 0)
            {
                return new QuotaDecision(family, units, 0, used, limit, reset);
            }

            if (cell.TryAdvance(used, used + granted))
            {
                return new QuotaDecision(family, units, granted, used + granted, limit, reset);
            }
        }
    }
}
