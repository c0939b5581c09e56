using System.Diagnostics.CodeAnalysis;

namespace Palisade.Core.Keys;

/// <summary>Names of the quota families as they appear in configuration, on the command line and in headers.</summary>
public static class QuotaFamilies
{
    public static IReadOnlyList<QuotaFamily> All { get; } = [QuotaFamily.Check, QuotaFamily.Report, QuotaFamily.Blacklist, QuotaFamily.Taxii];

    public static string Name(QuotaFamily family) => family switch
    {
        QuotaFamily.Check => "check",
        QuotaFamily.Report => "report",
        QuotaFamily.Blacklist => "blacklist",
        QuotaFamily.Taxii => "taxii",
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };

    public static bool TryParse(string? text, [NotNullWhen(true)] out QuotaFamily? family)
    {
        family = text?.Trim().ToLowerInvariant() switch
        {
            "check" or "lookups" or "lookup" => QuotaFamily.Check,
            "report" or "reports" => QuotaFamily.Report,
            "blacklist" or "blocklist" => QuotaFamily.Blacklist,
            "taxii" => QuotaFamily.Taxii,
            _ => null,
        };
        return family is not null;
    }
}
