namespace Palisade.Core.Quotas;

/// <summary>Quota days are UTC calendar days; counters reset at midnight UTC.</summary>
public static class QuotaDay
{
    public static int Of(DateTimeOffset instant) => (int)(instant.UtcTicks / TimeSpan.TicksPerDay);

    public static DateTimeOffset NextReset(DateTimeOffset instant) => new(((long)Of(instant) + 1) * TimeSpan.TicksPerDay, TimeSpan.Zero);

    /// <summary>Whole seconds until the next reset, at least 1: the value of <c>Retry-After</c>.</summary>
    public static long SecondsUntilReset(DateTimeOffset instant) => Math.Max(1, (long)Math.Ceiling((NextReset(instant) - instant).TotalSeconds));
}
