namespace Palisade.Core.Scoring;

/// <summary>
/// The trust weight of a reporter, earned by corroboration (docs/scoring.md "Reporter trust"):
/// <c>clamp(tierTrust × role × age × record × reliability × start, 0, 1.5)</c> with
/// role = 1.25 for sensors, 1.0 for community reporters;
/// age = 0.5 + 0.5 × min(1, ageDays / 30) (a new reporter counts half, full weight after 30 days);
/// record = 0.8 + 0.3 × min(1, log10(1 + corroborated) / 3) (0.8 with nothing corroborated, 1.0 at 99, 1.1 from 999);
/// reliability = (corroborated + 5) / (corroborated + 5 + withdrawn + uncorroborated / 4);
/// start = 0.25 while a self-service reporter is provisional, else 1.
/// A tier the operator vouches for (the "private" profile) skips age, record and reliability: its trust is the tier's.
/// </summary>
public static class ReporterTrust
{
    /// <summary>Upper bound of any trust weight.</summary>
    public const double Max = 1.5;

    /// <summary>Role factor of sensors (honeypot keys): their observations are first-hand and unambiguous.</summary>
    public const double SensorRoleFactor = 1.25;

    /// <summary>Age in days at which a reporter stops being discounted as new.</summary>
    public const double FullAgeDays = 30;

    /// <summary>Age factor of a brand-new reporter; rises linearly to 1 at <see cref="FullAgeDays"/>.</summary>
    public const double NewKeyFactor = 0.5;

    /// <summary>Record factor of a reporter with nothing corroborated.</summary>
    public const double NoHistoryFactor = 0.8;

    /// <summary>Record factor of a reporter with 999 or more corroborated addresses.</summary>
    public const double FullHistoryFactor = 1.1;

    /// <summary>Start factor of a provisional (self-service, not yet corroborated) reporter.</summary>
    public const double ProvisionalFactor = 0.25;

    /// <summary>Corroborated addresses a self-service reporter needs to stop being provisional.</summary>
    public const int GraduateAt = 3;

    /// <summary>Pseudo-count that keeps one early withdrawal from sinking a new reporter.</summary>
    public const double ReliabilityPrior = 5;

    /// <summary>Weight of one never-corroborated address against reliability (a withdrawal weighs 1).</summary>
    public const double UncorroboratedWeight = 0.25;

    /// <param name="kind">Community or sensor.</param>
    /// <param name="tierTrust">The tier's configured base trust (e.g. 1.0 for contributor, 0.6 for free).</param>
    /// <param name="keyAge">How long the reporter has existed.</param>
    /// <param name="corroborated">Addresses of this reporter corroborated by an independent reporter or a sensor.</param>
    public static double Compute(ReporterKind kind, double tierTrust, TimeSpan keyAge, long corroborated)
        => Compute(kind, tierTrust, keyAge, new ReporterRecord(corroborated, 0, 0), selfService: false, vouched: false);

    /// <param name="kind">Community or sensor.</param>
    /// <param name="tierTrust">The tier's configured base trust.</param>
    /// <param name="age">How long the reporter has existed.</param>
    /// <param name="record">What became of its reports.</param>
    /// <param name="selfService">Made through dashboard sign-up: provisional until <see cref="GraduateAt"/> corroborated addresses.</param>
    /// <param name="vouched">The tier is one the operator vouches for (ignored for self-service reporters).</param>
    public static double Compute(ReporterKind kind, double tierTrust, TimeSpan age, ReporterRecord record, bool selfService, bool vouched)
    {
        // NaN or negative configuration must not produce a negative or NaN weight downstream.
        if (double.IsNaN(tierTrust) || tierTrust <= 0)
            return 0;

        var role = kind == ReporterKind.Sensor ? SensorRoleFactor : 1.0;
        if (vouched && !selfService)
            return Math.Clamp(tierTrust * role, 0, Max);

        var ageDays = Math.Max(0, age.TotalDays);
        var ageFactor = NewKeyFactor + ((1 - NewKeyFactor) * Math.Min(1, ageDays / FullAgeDays));
        // Logarithmic: the first hundred corroborated addresses matter more than the next thousand.
        var corroborated = Math.Max(0, record.Corroborated);
        var history = NoHistoryFactor
            + ((FullHistoryFactor - NoHistoryFactor) * Math.Min(1, Math.Log10(1 + (double)corroborated) / 3));
        var bad = Math.Max(0, record.Withdrawn) + (UncorroboratedWeight * Math.Max(0, record.Uncorroborated));
        var reliability = (corroborated + ReliabilityPrior) / (corroborated + ReliabilityPrior + bad);
        var start = IsProvisional(selfService, record) ? ProvisionalFactor : 1;
        return Math.Clamp(tierTrust * role * ageFactor * history * reliability * start, 0, Max);
    }

    /// <summary>A self-service reporter is provisional until <see cref="GraduateAt"/> of its addresses were corroborated.</summary>
    public static bool IsProvisional(bool selfService, ReporterRecord record) => selfService && record.Corroborated < GraduateAt;
}

/// <summary>What became of a reporter's reports (docs/scoring.md "Reporter trust").</summary>
/// <param name="Corroborated">Addresses it reported that an independent reporter (another reporter in another network,
/// not provisional) or a sensor also reported within the corroboration window.</param>
/// <param name="Uncorroborated">Addresses it reported longer ago than the window that nobody independent confirmed.</param>
/// <param name="Withdrawn">Reports it withdrew (clear-address, positive feedback) plus addresses it reported that are now
/// whitelisted (disputed).</param>
public readonly record struct ReporterRecord(long Corroborated, long Uncorroborated, long Withdrawn);
