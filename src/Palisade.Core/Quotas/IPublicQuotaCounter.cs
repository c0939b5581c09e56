using System.Net;

namespace Palisade.Core.Quotas;

/// <summary>
/// Daily request counters for callers without a key (ReportedIP's public endpoints), per client address. IPv6
/// clients are counted per /64, so one host cannot get a fresh quota per address of its prefix. Counters reset at
/// midnight UTC like key quotas. Implementations must never over-admit under concurrency.
/// </summary>
public interface IPublicQuotaCounter
{
    /// <summary>Charges one request, or nothing when <paramref name="limit"/> is reached.</summary>
    ValueTask<QuotaDecision> TryConsumeAsync(IPAddress client, long limit, DateTimeOffset now);

    ValueTask<QuotaDecision> PeekAsync(IPAddress client, long limit, DateTimeOffset now);
}
