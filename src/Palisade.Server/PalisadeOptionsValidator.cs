using Microsoft.Extensions.Options;
using Palisade.Core.Keys;

namespace Palisade.Server;

/// <summary>
/// Checks <see cref="PalisadeOptions"/> when the server is built, before it listens: every message names the setting
/// (as it is written in configuration) and says what it accepts.
/// </summary>
public sealed class PalisadeOptionsValidator : IValidateOptions<PalisadeOptions>
{
    public ValidateOptionsResult Validate(string? name, PalisadeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Palisade:DataDirectory must name a folder.");
        }

        if (options.BlocklistRenderCacheBytes is < 0 or > 1L << 40)
        {
            failures.Add($"Palisade:BlocklistRenderCacheBytes must be 0 to {1L << 40} bytes (got {options.BlocklistRenderCacheBytes}).");
        }

        if (options.MaxRequestBodyBytes is < 1024 or > 1L << 30)
        {
            failures.Add($"Palisade:MaxRequestBodyBytes must be 1024 to {1L << 30} bytes (got {options.MaxRequestBodyBytes}).");
        }

        Positive(failures, "Palisade:QuotaFlushInterval", options.QuotaFlushInterval);
        Positive(failures, "Palisade:ChangePollInterval", options.ChangePollInterval);
        Positive(failures, "Palisade:RetentionInterval", options.RetentionInterval);
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            failures.Add($"Palisade:PublicBaseUrl must be an absolute http or https URL (got \"{options.PublicBaseUrl}\").");
        }

        if (options.Reputation.ReportRetentionDays < 1 || options.Reputation.ReputationRetentionDays < 1)
        {
            failures.Add("Palisade:Reputation:ReportRetentionDays and Palisade:Reputation:ReputationRetentionDays must be at least 1 day.");
        }

        Positive(failures, "Palisade:Reputation:ScoreRefreshInterval", options.Reputation.ScoreRefreshInterval);
        if (options.Reputation.SnapshotInterval < TimeSpan.Zero)
        {
            failures.Add($"Palisade:Reputation:SnapshotInterval must be zero (no snapshots) or positive (got {options.Reputation.SnapshotInterval}).");
        }
        if (options.Scoring.HalfLifeDays <= 0)
        {
            failures.Add($"Palisade:Scoring:HalfLifeDays must be positive (got {options.Scoring.HalfLifeDays}).");
        }

        foreach (var (id, tier) in options.Tiers)
        {
            foreach (var family in tier.Limits.Keys.Where(f => !QuotaFamilies.TryParse(f, out _)))
            {
                failures.Add($"Palisade:Tiers:{id}:Limits:{family} names no quota family (check, report, blacklist, taxii).");
            }

            foreach (var feature in (tier.Features ?? []).Where(f => !Enum.TryParse<Feature>(f, ignoreCase: true, out _)))
            {
                failures.Add($"Palisade:Tiers:{id}:Features lists '{feature}', which is not a feature ({string.Join(", ", Enum.GetNames<Feature>())}).");
            }

            if (tier.Trust is < 0)
            {
                failures.Add($"Palisade:Tiers:{id}:Trust must not be negative (got {tier.Trust}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every invalid setting.</summary>
    public static void ThrowIfInvalid(PalisadeOptions options)
    {
        var result = new PalisadeOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(PalisadeOptions), result.Failures);
        }
    }

    private static void Positive(List<string> failures, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{setting} must be a positive duration such as 00:00:01 (got {value}).");
        }
    }
}
