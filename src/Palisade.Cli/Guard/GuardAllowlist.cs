using System.Net;
using System.Net.Sockets;
using Palisade.Core.Addresses;

namespace Palisade.Cli.Guard;

/// <summary>
/// The operator's allowlist (<c>--allow FILE</c>): addresses and CIDRs, IPv4 and IPv6, one a line, <c>#</c> comments.
/// It always wins: a listed address inside it is never added to the firewall and is removed if it is there.
/// </summary>
internal sealed class GuardAllowlist
{
    /// <summary>More entries than this is a wrong file, not an allowlist.</summary>
    public const int MaxEntries = 100_000;

    private const long MaxFileBytes = 8 * 1024 * 1024;

    private readonly HashSet<IPAddress> _addresses;
    private readonly IPNetwork[] _networks;

    private GuardAllowlist(HashSet<IPAddress> addresses, IPNetwork[] networks)
    {
        _addresses = addresses;
        _networks = networks;
    }

    public static GuardAllowlist Empty { get; } = new([], []);

    public int Count => _addresses.Count + _networks.Length;

    /// <summary>Reads the file; on a bad line <paramref name="error"/> names the file, the line and what is wrong.</summary>
    public static bool TryLoad(string path, out GuardAllowlist allowlist, out string? error)
    {
        allowlist = Empty;
        string[] lines;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                error = $"allowlist {path} does not exist.";
                return false;
            }

            if (info.Length > MaxFileBytes)
            {
                error = $"allowlist {path} is larger than {MaxFileBytes / 1024 / 1024} MB.";
                return false;
            }

            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"allowlist {path} cannot be read: {ex.Message}";
            return false;
        }

        var addresses = new HashSet<IPAddress>();
        var networks = new List<IPNetwork>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            var text = (hash >= 0 ? line[..hash] : line).Trim();
            if (text.Length == 0)
            {
                continue;
            }

            if (addresses.Count + networks.Count >= MaxEntries)
            {
                error = $"allowlist {path} has more than {MaxEntries} entries.";
                return false;
            }

            if (text.Contains('/', StringComparison.Ordinal))
            {
                if (!IpAddressParser.TryParseNetwork(text, out var network, out var networkError))
                {
                    error = $"allowlist {path} line {i + 1}: {networkError}.";
                    return false;
                }

                networks.Add(network);
            }
            else if (IpAddressParser.TryParse(text, out var address, out var addressError))
            {
                addresses.Add(address.Address);
            }
            else
            {
                error = $"allowlist {path} line {i + 1}: '{Shorten(text)}' is neither an address nor a CIDR ({addressError}).";
                return false;
            }
        }

        allowlist = new GuardAllowlist(addresses, [.. networks]);
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="address"/> (already normalised: IPv4-mapped folded to IPv4) is allowlisted.</summary>
    public bool Contains(IPAddress address)
    {
        if (_addresses.Contains(address))
        {
            return true;
        }

        foreach (var network in _networks)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    public bool Contains(string canonical)
        => IPAddress.TryParse(canonical, out var address) && Contains(address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
