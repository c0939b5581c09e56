using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Palisade.Core.Alerts;

/// <summary>
/// An immutable index of enabled alerts: a report is matched by dictionary lookups — its address, its address masked to
/// each prefix length some range alert uses, its username, each e-mail address in its raw comment — never by a scan
/// of the alerts. Rebuilt (cheaply) whenever alerts change.
/// </summary>
public sealed partial class AlertMatcher
{
    private readonly Dictionary<string, List<Alert>> _byAddress = new(StringComparer.Ordinal);
    private readonly Dictionary<(UInt128 Network, int Prefix), List<Alert>> _v4Ranges = [];
    private readonly Dictionary<(UInt128 Network, int Prefix), List<Alert>> _v6Ranges = [];
    private readonly int[] _v4Prefixes;
    private readonly int[] _v6Prefixes;
    private readonly Dictionary<string, List<Alert>> _byUsername = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Alert>> _byEmail = new(StringComparer.Ordinal);

    public AlertMatcher(IEnumerable<Alert> alerts)
    {
        var v4Prefixes = new SortedSet<int>();
        var v6Prefixes = new SortedSet<int>();
        foreach (var alert in alerts)
        {
            if (!alert.Enabled)
            {
                continue;
            }

            Count++;
            switch (alert.Kind)
            {
                case AlertTargetKind.Ip:
                    Add(_byAddress, alert.Target, alert);
                    break;
                case AlertTargetKind.Range:
                    var network = IPNetwork.Parse(alert.Target);
                    var v6 = network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;
                    var key = (Mask(ToNumber(network.BaseAddress), network.PrefixLength, v6 ? 128 : 32), network.PrefixLength);
                    Add(v6 ? _v6Ranges : _v4Ranges, key, alert);
                    (v6 ? v6Prefixes : v4Prefixes).Add(network.PrefixLength);
                    break;
                case AlertTargetKind.Username:
                    Add(_byUsername, alert.Target, alert);
                    break;
                case AlertTargetKind.Email:
                    Add(_byEmail, alert.Target.ToLowerInvariant(), alert);
                    break;
            }
        }

        _v4Prefixes = [.. v4Prefixes];
        _v6Prefixes = [.. v6Prefixes];
    }

    public static AlertMatcher Empty { get; } = new([]);

    /// <summary>Number of enabled alerts indexed.</summary>
    public int Count { get; }

    /// <summary>
    /// Alerts watching this report: <paramref name="address"/> is the engine's canonical text; <paramref name="rawComment"/>
    /// is the comment as submitted, before e-mail addresses were scrubbed from it (it is read here, never kept);
    /// <paramref name="email"/> is the report's structured (normalised) e-mail address. Each alert appears once.
    /// </summary>
    public IReadOnlyList<Alert> Match(string address, string? username, string? rawComment, string? email = null)
    {
        if (Count == 0)
        {
            return [];
        }

        List<Alert>? found = null;
        if (_byAddress.TryGetValue(address, out var exact))
        {
            AddAll(ref found, exact);
        }

        if ((_v4Prefixes.Length > 0 || _v6Prefixes.Length > 0) && IPAddress.TryParse(address, out var ip))
        {
            var v6 = ip.AddressFamily == AddressFamily.InterNetworkV6;
            var prefixes = v6 ? _v6Prefixes : _v4Prefixes;
            var ranges = v6 ? _v6Ranges : _v4Ranges;
            var number = ToNumber(ip);
            foreach (var prefix in prefixes)
            {
                if (ranges.TryGetValue((Mask(number, prefix, v6 ? 128 : 32), prefix), out var inRange))
                {
                    AddAll(ref found, inRange);
                }
            }
        }

        if (username is not null && _byUsername.TryGetValue(username, out var byUser))
        {
            AddAll(ref found, byUser);
        }

        if (email is not null && _byEmail.TryGetValue(email, out var byStructured))
        {
            AddAll(ref found, byStructured);
        }

        if (rawComment is not null && _byEmail.Count > 0)
        {
            foreach (Match match in EmailInText().Matches(rawComment))
            {
                if (_byEmail.TryGetValue(match.Value.ToLowerInvariant(), out var byEmail))
                {
                    AddAll(ref found, byEmail);
                }
            }
        }

        return found is null ? [] : found.Count == 1 ? found : found.DistinctBy(a => a.Id).ToList();
    }

    private static void AddAll(ref List<Alert>? found, List<Alert> alerts) => (found ??= []).AddRange(alerts);

    private static void Add<TKey>(Dictionary<TKey, List<Alert>> index, TKey key, Alert alert) where TKey : notnull
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(alert);
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    private static UInt128 Mask(UInt128 value, int prefix, int bits)
    {
        if (prefix == 0)
        {
            return UInt128.Zero;
        }

        var keep = bits - prefix;
        return keep == 0 ? value : value >> keep << keep;
    }

    // The same shape CommentScrubber removes: whatever it would scrub, an e-mail alert can see first.
    [GeneratedRegex(@"[\w.%+\-]+@(?:[\w\-]+\.)+\p{L}{2,}", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant)]
    private static partial Regex EmailInText();
}
