namespace Palisade.Core.Alerts;

/// <summary>
/// How many alerts of each kind a tier's key may hold, and the widest range it may watch (SikkerAPI's table: free one
/// range up to /28, business forty up to /16). IPv6 ranges may be 32 bits longer in prefix terms than IPv4's.
/// </summary>
public sealed record AlertLimits(int IpAlerts, int RangeAlerts, int UsernameAlerts, int EmailAlerts, int MinIPv4Prefix)
{
    /// <summary>No key holds more alerts than this, whatever its tier.</summary>
    public const int MaxPerKey = 100;

    public int MinIPv6Prefix => MinIPv4Prefix + 32;

    public static AlertLimits Free { get; } = new(5, 1, 5, 5, 28);

    public static AlertLimits For(string tierId) => tierId.ToLowerInvariant() switch
    {
        "contributor" => new(20, 5, 20, 20, 24),
        "professional" => new(50, 10, 50, 50, 20),
        "business" => new(100, 40, 100, 100, 16),
        "enterprise" or "honeypot" => new(100, 100, 100, 100, 8),
        _ => Free,
    };

    public int LimitFor(AlertTargetKind kind) => kind switch
    {
        AlertTargetKind.Ip => IpAlerts,
        AlertTargetKind.Range => RangeAlerts,
        AlertTargetKind.Username => UsernameAlerts,
        _ => EmailAlerts,
    };
}
