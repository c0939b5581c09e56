namespace Palisade.Core.Scoring;

/// <summary>
/// The trust weight of a reporting key, from its role, its age and how many of its reports were accepted:
/// <c>clamp(tierTrust × role × age × history, 0, 1.5)</c> with
/// role = 1.25 for sensors, 1.0 for community reporters;
/// age = 0.5 + 0.5 × min(1, ageDays / 30) (a new key counts half, full weight after 30 days);
/// history = 0.8 + 0.3 × min(1, log10(1 + acceptedReports) / 3) (0.8 with no accepted reports, 1.0 at 99, 1.1 from 999).
/// See docs/scoring.md.
/// </summary>
public static class ReporterTrust
{
    /// <summary>Upper bound of any trust weight.</summary>
    public const double Max = 1.5;

    /// <summary>Role factor of sensors (honeypot keys): their observations are first-hand and unambiguous.</summary>
    public const double SensorRoleFactor = 1.25;

    /// <summary>Age in days at which a key stops being discounted as new.</summary>
    public const double FullAgeDays = 30;

    /// <summary>Age factor of a brand-new key; rises linearly to 1 at <see cref="FullAgeDays"/>.</summary>
    public const double NewKeyFactor = 0.5;

    /// <summary>History factor of a key with no accepted reports.</summary>
    public const double NoHistoryFactor = 0.8;

    /// <summary>History factor of a key with 999 or more accepted reports.</summary>
    public const double FullHistoryFactor = 1.1;

    /// <param name="kind">Community or sensor.</param>
    /// <param name="tierTrust">The tier's configured base trust (e.g. 1.0 for contributor, 0.6 for free).</param>
    /// <param name="keyAge">How long the key has existed.</param>
    /// <param name="acceptedReports">Reports of this key accepted so far.</param>
    public static double Compute(ReporterKind kind, double tierTrust, TimeSpan keyAge, long acceptedReports)
    {
        // NaN or negative configuration must not produce a negative or NaN weight downstream.
        if (double.IsNaN(tierTrust) || tierTrust <= 0)
            return 0;

        var role = kind == ReporterKind.Sensor ? SensorRoleFactor : 1.0;
        var ageDays = Math.Max(0, keyAge.TotalDays);
        var age = NewKeyFactor + ((1 - NewKeyFactor) * Math.Min(1, ageDays / FullAgeDays));
        // Logarithmic: the first hundred accepted reports matter more than the next thousand.
        var accepted = Math.Max(0, acceptedReports);
        var history = NoHistoryFactor
            + ((FullHistoryFactor - NoHistoryFactor) * Math.Min(1, Math.Log10(1 + (double)accepted) / 3));
        return Math.Clamp(tierTrust * role * age * history, 0, Max);
    }
}
