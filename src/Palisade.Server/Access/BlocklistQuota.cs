using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;

namespace Palisade.Server.Access;

/// <summary>
/// Charges the blacklist family one unit per address a face is about to return (every face's blocklist endpoint):
/// as many as remain, so the list is cut rather than refused; nothing when the list is empty.
/// </summary>
public static class BlocklistQuota
{
    /// <returns>The decision (also recorded on <paramref name="access"/> for the headers); Granted is how many to serve.</returns>
    public static async ValueTask<QuotaDecision> ChargeAsync(AccessContext access, int addresses, IQuotaCounter quotas, IClock clock)
    {
        var key = access.Key;
        var limit = key.LimitFor(QuotaFamily.Blacklist);
        var decision = addresses == 0
            ? await quotas.PeekAsync(key.Key.Id, QuotaFamily.Blacklist, limit, clock.UtcNow)
            : await quotas.ConsumeUpToAsync(key.Key.Id, QuotaFamily.Blacklist, addresses, limit, clock.UtcNow);
        access.Decision = decision;
        return decision;
    }
}
