using Palisade.Core.Addresses;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Reputation;

/// <summary>The engine's answer to "what do we know about this address", independent of any wire format. The reports
/// themselves (with their comments) are not part of it: <see cref="ReportHistory"/> reads them from the store when a
/// verbose answer shows them.</summary>
public sealed record CheckResult(
    NormalizedAddress Address,
    bool Found,
    int Score,
    ScoreBreakdown Breakdown,
    DateTimeOffset? FirstSeen,
    DateTimeOffset? LastSeen,
    long TotalSessions,
    long TotalEvents,
    IReadOnlyList<ProtocolActivity> Protocols,
    IReadOnlyList<BehaviourActivity> Behaviours,
    IReadOnlyList<PrimitiveActivity> Primitives,
    IReadOnlyList<CategoryActivity> Categories,
    IReadOnlyList<DailyCount> Timeline,
    WhitelistEntry? Whitelisted);
