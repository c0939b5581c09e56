using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;

namespace Palisade.Server.Faces.Shared;

/// <summary>
/// The one way a handler charges quota: the decision is recorded on the access context, so the quota headers are
/// written from it without a second round trip to the counters.
/// </summary>
public static class FaceQuota
{
    /// <summary>Charges all of <paramref name="units"/> or nothing (checks, bulk checks) to the endpoint's family,
    /// or to <paramref name="family"/> when given.</summary>
    public static ValueTask<QuotaDecision> ChargeAsync(this AccessContext access, long units, IQuotaCounter quotas, IClock clock,
        QuotaFamily? family = null)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(clock);
        var charged = family ?? access.Family;
        var pending = quotas.TryConsumeAsync(access.Key.Key.Id, charged, units, access.Key.LimitFor(charged), clock.UtcNow);
        if (!pending.IsCompletedSuccessfully)
        {
            return RecordAsync(access, pending);
        }

        // The in-memory counters answer at once (every check of a single node): no state machine for it.
        var decision = pending.Result;
        access.Decision = decision;
        return ValueTask.FromResult(decision);
    }

    private static async ValueTask<QuotaDecision> RecordAsync(AccessContext access, ValueTask<QuotaDecision> pending)
    {
        var decision = await pending;
        access.Decision = decision;
        return decision;
    }

    /// <summary>
    /// Charges one unit per address a list is about to return, as many as remain, so the list is cut rather than
    /// refused; an empty list only peeks. Granted is how many to serve.
    /// </summary>
    public static async ValueTask<QuotaDecision> ChargeUpToAsync(this AccessContext access, long units, IQuotaCounter quotas, IClock clock,
        QuotaFamily family = QuotaFamily.Blacklist)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(quotas);
        ArgumentNullException.ThrowIfNull(clock);
        var limit = access.Key.LimitFor(family);
        var decision = units == 0
            ? await quotas.PeekAsync(access.Key.Key.Id, family, limit, clock.UtcNow)
            : await quotas.ConsumeUpToAsync(access.Key.Key.Id, family, units, limit, clock.UtcNow);
        access.Decision = decision;
        return decision;
    }
}
