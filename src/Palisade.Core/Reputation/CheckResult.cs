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
    WhitelistEntry? Whitelisted)
{
    // What a face made of this answer to serve it again (its serialized bytes), kept with the object the index hands out
    // while the answer holds. Not part of the answer: the slot compares equal to any other and a copy made with `with`
    // does not see it (the kept value names the result it was made for).
    private KeptSlot _kept;

    /// <summary>The value <see cref="Keep"/> stored with this result, or null (none, or this is a copy of the result it
    /// was kept with).</summary>
    public CheckKeepsake? Kept() => _kept.Value is { } kept && ReferenceEquals(kept.Owner, this) ? kept : null;

    /// <summary>Stores what a face made of this answer (e.g. its serialized form) with it, replacing what was kept.</summary>
    /// <exception cref="ArgumentException">The value was made for another result.</exception>
    public void Keep(CheckKeepsake value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!ReferenceEquals(value.Owner, this))
        {
            throw new ArgumentException("A keepsake is kept with the result it was made for.", nameof(value));
        }

        _kept = new KeptSlot(value);
    }

    // One reference (written whole, so a reader on another thread sees an old or a new value, never a mix).
    private readonly struct KeptSlot(CheckKeepsake? value) : IEquatable<KeptSlot>
    {
        public CheckKeepsake? Value { get; } = value;

        public bool Equals(KeptSlot other) => true;

        public override bool Equals(object? obj) => obj is KeptSlot;

        public override int GetHashCode() => 0;
    }
}

/// <summary>
/// What a face made of a <see cref="CheckResult"/> to serve it again, kept with it (<see cref="CheckResult.Keep"/>). It
/// names the result it was made for, so a copy of the result (<c>with</c>) does not see it; the face's own fields are on
/// the same object (a check of a cached answer reads one object, not a holder and then the value).
/// </summary>
public abstract class CheckKeepsake(CheckResult owner)
{
    /// <summary>The result this was made for.</summary>
    public CheckResult Owner { get; } = owner ?? throw new ArgumentNullException(nameof(owner));
}
