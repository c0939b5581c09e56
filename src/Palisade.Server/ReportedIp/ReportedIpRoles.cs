using Palisade.Core.Keys;

namespace Palisade.Server.ReportedIp;

/// <summary>
/// ReportedIP's role table on Palisade's tiers. Free and Contributor: Check, Report, Verify; Professional (and
/// Business): + Bulk Check and the blacklist; Enterprise: + Bulk Report; Honeypot (automated systems): check and
/// report, single and bulk. A tier not in the table (operator-defined) gets the permissions its native features
/// give. A permission also needs the tier's native feature, so an operator who takes a feature away takes it here too.
/// </summary>
public static class ReportedIpRoles
{
    private static readonly ReportedIpPermission[] Basic = [ReportedIpPermission.Check, ReportedIpPermission.Report, ReportedIpPermission.Verify];

    private static readonly Dictionary<string, ReportedIpPermission[]> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["free"] = Basic,
        ["contributor"] = Basic,
        ["professional"] = [.. Basic, ReportedIpPermission.BulkCheck, ReportedIpPermission.Blacklist],
        ["business"] = [.. Basic, ReportedIpPermission.BulkCheck, ReportedIpPermission.Blacklist],
        ["enterprise"] = [.. Basic, ReportedIpPermission.BulkCheck, ReportedIpPermission.Blacklist, ReportedIpPermission.BulkReport],
        ["honeypot"] = [.. Basic, ReportedIpPermission.BulkCheck, ReportedIpPermission.BulkReport],
    };

    public static bool Allows(Tier tier, ReportedIpPermission permission)
    {
        ArgumentNullException.ThrowIfNull(tier);
        var native = NativeFeature(permission);
        if (native is { } feature && !tier.Allows(feature))
        {
            return false;
        }

        return !Table.TryGetValue(tier.Id, out var permissions) || permissions.Contains(permission);
    }

    public static IReadOnlyList<ReportedIpPermission> PermissionsOf(Tier tier)
        => [.. Enum.GetValues<ReportedIpPermission>().Where(p => Allows(tier, p))];

    /// <summary>The role name ReportedIP's clients expect (lower-case tier id).</summary>
    public static string RoleName(Tier tier) => tier.Id.ToLowerInvariant();

    private static Feature? NativeFeature(ReportedIpPermission permission) => permission switch
    {
        ReportedIpPermission.Check => Feature.Check,
        ReportedIpPermission.Report => Feature.Report,
        ReportedIpPermission.BulkCheck => Feature.BulkCheck,
        ReportedIpPermission.BulkReport => Feature.BulkReport,
        ReportedIpPermission.Blacklist => Feature.Blacklist,
        _ => null,
    };
}
