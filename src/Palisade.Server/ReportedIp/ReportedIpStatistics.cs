using Palisade.Core.Reputation;
using Palisade.Server.Access;
using Palisade.Server.ReportedIp.Contracts;

namespace Palisade.Server.ReportedIp;

/// <summary>
/// The public statistics, recomputed at most once a minute and only when the index changed: a walk over every
/// address is too costly to do per anonymous request.
/// </summary>
internal sealed class ReportedIpStatistics
{
    public const int HighConfidence = 75;
    private static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private ReportedIpStatsData? _cached;
    private long _version = -1;
    private DateTimeOffset _computedAt;

    public ReportedIpStatsData Get(ReputationIndex index, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_cached is not null && (index.Version == _version || now - _computedAt < MinimumAge))
            {
                return _cached;
            }

            var version = index.Version;
            long tracked = 0, reports = 0, active = 0, high = 0;
            foreach (var entry in index.Addresses)
            {
                tracked++;
                reports += entry.TotalReports;
                if (now - entry.LastSeen <= TimeSpan.FromDays(1))
                {
                    active++;
                }

                if (index.ScoreValue(entry).Score >= HighConfidence)
                {
                    high++;
                }
            }

            _cached = new ReportedIpStatsData(tracked, reports, active, high, WireTime.Rfc3339(now));
            _version = version;
            _computedAt = now;
            return _cached;
        }
    }
}
