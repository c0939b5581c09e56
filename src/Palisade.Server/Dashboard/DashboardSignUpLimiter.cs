using Palisade.Core.Quotas;
using Palisade.Core.Time;

namespace Palisade.Server.Dashboard;

/// <summary>
/// Sign-ups per client network (IPv4 /24, IPv6 /48) in a sliding hour, taken before any password hashing or database
/// work, so one network cannot mass-produce accounts. Counted in the <see cref="IAttemptLimiter"/>: in a cluster, in Redis,
/// across every node; when that is unreachable <see cref="QuotaUnavailableException"/> refuses the sign-up.
/// </summary>
public sealed class DashboardSignUpLimiter(DashboardOptions options, IAttemptLimiter limiter, IClock clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Counts one sign-up for <paramref name="network"/>: null when allowed, else how long until the next one is.</summary>
    public ValueTask<TimeSpan?> TryTakeAsync(string network)
        => limiter.TryBeginAsync(Guid.NewGuid().ToString("N"), [new AttemptLimit("signup:" + network, options.SignUpsPerNetworkPerHour, Window)],
            clock.UtcNow);
}
