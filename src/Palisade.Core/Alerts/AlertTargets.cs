using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Palisade.Core.Addresses;
using Palisade.Core.Reports;

namespace Palisade.Core.Alerts;

/// <summary>Validates what a person asks to watch and turns it into the canonical target the matcher looks up.</summary>
public static partial class AlertTargets
{
    public const int MaxEmailLength = 254;

    public static string Name(AlertTargetKind kind) => kind switch
    {
        AlertTargetKind.Ip => "ip",
        AlertTargetKind.Range => "cidr",
        AlertTargetKind.Username => "username",
        _ => "email",
    };

    /// <summary>Canonical target for <paramref name="kind"/>, or a message saying what is wrong with the input.</summary>
    public static bool TryNormalize(AlertTargetKind kind, string input, AlertLimits limits, [NotNullWhen(true)] out string? target,
        [NotNullWhen(false)] out string? error)
    {
        target = null;
        switch (kind)
        {
            case AlertTargetKind.Ip:
                if (!IpAddressParser.TryParse(input, out var address, out error))
                {
                    return false;
                }

                if (!address.IsPublic)
                {
                    error = $"{address.Text} is not a public address; it can never be reported.";
                    return false;
                }

                target = address.Text;
                return true;
            case AlertTargetKind.Range:
                if (!IpAddressParser.TryParseNetwork(input, out var network, out error))
                {
                    error = "cidr: " + error;
                    return false;
                }

                var v6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
                var minPrefix = v6 ? limits.MinIPv6Prefix : limits.MinIPv4Prefix;
                if (network.PrefixLength < minPrefix)
                {
                    error = $"cidr: /{network.PrefixLength} is wider than this tier allows; the widest IPv{(v6 ? 6 : 4)} range is /{minPrefix}.";
                    return false;
                }

                target = network.ToString();
                return true;
            case AlertTargetKind.Username:
                if (input.Length is 0 or > ReportLimits.MaxUsernameLength || input.Any(char.IsControl))
                {
                    error = $"username: 1 to {ReportLimits.MaxUsernameLength} characters, no control characters.";
                    return false;
                }

                target = input;
                error = null;
                return true;
            default:
                if (!TryNormalizeEmail(input, out target))
                {
                    error = $"email: '{Shorten(input)}' is not an e-mail address (name@example.org, at most {MaxEmailLength} characters).";
                    return false;
                }

                error = null;
                return true;
        }
    }

    /// <summary>Lower-cases a plausible e-mail address; false for anything that is not one.</summary>
    public static bool TryNormalizeEmail(string input, [NotNullWhen(true)] out string? email)
    {
        email = null;
        if (input.Length is 0 or > MaxEmailLength || !EmailPattern().IsMatch(input))
        {
            return false;
        }

        email = input.ToLowerInvariant();
        return true;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
        RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
