using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Palisade.Server.Proxies;

/// <summary>Configuration section <c>Palisade:ForwardedHeaders</c>, validated at start: which reverse proxies'
/// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed.</summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Palisade:ForwardedHeaders";

    /// <summary>The setting as written in configuration, named by every error about it.</summary>
    public const string Setting = Section + ":" + nameof(TrustedProxies);

    /// <summary>Addresses or CIDR networks of the trusted proxies, separated by commas (e.g. <c>127.0.0.1,10.0.0.0/8</c>);
    /// empty (the default) believes no forwarded header.</summary>
    public string? TrustedProxies { get; set; }

    /// <summary>The addresses (IPv4 ones also in the mapped form a dual-stack socket reports) and networks of
    /// <see cref="TrustedProxies"/>, and the entries that are neither.</summary>
    public (IReadOnlyList<IPAddress> Addresses, IReadOnlyList<IPNetwork> Networks, IReadOnlyList<string> Invalid) Parse()
    {
        var addresses = new List<IPAddress>();
        var networks = new List<IPNetwork>();
        var invalid = new List<string>();
        foreach (var entry in (TrustedProxies ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address))
            {
                addresses.Add(address);
                if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    addresses.Add(address.MapToIPv6()); // Kestrel on a dual-stack socket reports IPv4 peers in mapped form
                }
            }
            else
            {
                invalid.Add(entry);
            }
        }

        return (addresses, networks, invalid);
    }

    /// <summary>One error per entry that is not an address or network, naming the setting and the entry.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        => Parse().Invalid.Select(entry => new ValidationResult(
            $"{Setting}: '{entry}' is not an IP address or CIDR network (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8).", [nameof(TrustedProxies)]));
}
