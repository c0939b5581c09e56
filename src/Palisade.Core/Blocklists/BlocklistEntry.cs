using System.Numerics;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;

namespace Palisade.Core.Blocklists;

/// <summary>
/// One address as a blocklist sees it, at one snapshot. Compact (a million of these are kept), so times, country and
/// categories are packed; the properties unpack them.
/// </summary>
public readonly struct BlocklistEntry
{
    private readonly AddressKey _key;
    private readonly long _lastSeenMs;
    private readonly string[] _protocols;
    private readonly uint _firstSeenSeconds;
    private readonly uint _asn;
    private readonly int _sessions;
    private readonly int _lifetimeDays;
    private readonly ushort _categories;
    private readonly ushort _country;
    private readonly byte _score;
    private readonly byte _rawScore;
    private readonly byte _severity;
    private readonly bool _present;

    internal BlocklistEntry(AddressKey key, int score, int rawScore, DateTimeOffset firstSeen, DateTimeOffset lastSeen,
        int lifetimeDays, int sessions, string[] protocols, ushort categories, Severity maxSeverity, ushort country, uint asn)
    {
        _key = key;
        _present = true;
        _score = (byte)score;
        _rawScore = (byte)rawScore;
        _firstSeenSeconds = (uint)Math.Clamp(firstSeen.ToUnixTimeSeconds(), 0, uint.MaxValue);
        _lastSeenMs = lastSeen.ToUnixTimeMilliseconds();
        _lifetimeDays = lifetimeDays;
        _sessions = sessions;
        _protocols = protocols;
        _categories = categories;
        _severity = (byte)maxSeverity;
        _country = country;
        _asn = asn;
    }

    /// <summary>Canonical address text, made anew on each call (null for an empty slot): renderers write
    /// <see cref="Key"/> instead. Entries hold the 128-bit address, not a string per address (issue 15).</summary>
    public string Address => _present ? _key.ToString() : null!;

    /// <summary>The address as a 128-bit value (the engine's key).</summary>
    public AddressKey Key => _key;

    /// <summary>Writes the canonical address text (ASCII) into <paramref name="buffer"/> (64 bytes always suffice) and
    /// returns what it wrote: how renderers write the address without a string per entry.</summary>
    public ReadOnlySpan<byte> AddressText(Span<byte> buffer) => _key.TryFormat(buffer, out var written) ? buffer[..written] : [];

    /// <summary>False for the empty entry (a free slot, or no entry at all).</summary>
    public bool HasAddress => _present;

    public bool IsIPv6 => _present && _key.IsIPv6;

    /// <summary>Score 0–100 after the whitelist discount.</summary>
    public int Score => _score;

    /// <summary>Score 0–100 before the whitelist discount.</summary>
    public int RawScore => _rawScore;

    public DateTimeOffset FirstSeen => DateTimeOffset.FromUnixTimeSeconds(_firstSeenSeconds);

    public DateTimeOffset LastSeen => DateTimeOffset.FromUnixTimeMilliseconds(_lastSeenMs);

    public long LastSeenUnixMilliseconds => _lastSeenMs;

    /// <summary>When the address leaves the list unless seen again: last activity plus the reputation retention.</summary>
    public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAtUnixMilliseconds);

    // Kept as the retention's whole days, not a second timestamp: 8 bytes less on each of a million entries.
    public long ExpiresAtUnixMilliseconds => _lastSeenMs + (_lifetimeDays * 86_400_000L);

    /// <summary>Retained reports (sessions) about the address.</summary>
    public int Sessions => _sessions;

    /// <summary>Distinct protocols reported, sorted (a shared array: do not modify).</summary>
    public IReadOnlyList<string> Protocols => _protocols ?? [];

    /// <summary><see cref="Protocols"/> as a span: enumerating it allocates nothing (a million-entry list enumerates a
    /// million of these).</summary>
    public ReadOnlySpan<string> ProtocolSpan => _protocols;

    /// <summary>Native category ids reported, ascending.</summary>
    public IEnumerable<int> Categories
    {
        get
        {
            for (var id = 1; id <= 16; id++)
            {
                if (HasCategory(id))
                {
                    yield return id;
                }
            }
        }
    }

    public int CategoryCount => BitOperations.PopCount(_categories);

    public Severity MaxSeverity => (Severity)_severity;

    /// <summary>ISO 3166-1 alpha-2 code from the geo data, or null.</summary>
    public string? CountryCode => CountryCodes.Unpack(_country);

    /// <summary>Autonomous system number from the geo data, or null.</summary>
    public uint? Asn => _asn == 0 ? null : _asn;

    public bool HasCategory(int nativeId) => nativeId is >= 1 and <= 16 && (_categories & (1 << (nativeId - 1))) != 0;

    internal ushort PackedCountry => _country;

    internal uint PackedAsn => _asn;

    internal ushort PackedCategories => _categories;

    /// <summary>A 64-bit hash of what a list shows of this entry (address, scores, activity, categories, geo). Entity
    /// tags are sums of these, so a list's tag can be kept per score without reading every entry again.</summary>
    /// <remarks>Computed on each read rather than kept: 8 bytes less on each of millions of entries, for ~20 ns where
    /// a list's tag is summed (a full build, or a filtered selection's first tag).</remarks>
    internal ulong ContentHash => HashContent();

    private ulong HashContent()
    {
        // FNV-1a over the content (stable across processes and nodes, unlike HashCode), then a finaliser so that sums
        // of hashes stay well spread.
        const ulong prime = 1099511628211;
        var hash = 14695981039346656037;
        // The address's 128 bits (no text to format; tags changed once with this, in session 11).
        hash = (hash ^ _key.High) * prime;
        hash = (hash ^ _key.Low) * prime;
        hash = (hash ^ (ulong)_lastSeenMs) * prime;
        hash = (hash ^ ((ulong)_score << 8) ^ _rawScore ^ ((ulong)(uint)_sessions << 16) ^ ((ulong)_categories << 48)) * prime;
        hash = (hash ^ _firstSeenSeconds ^ ((ulong)_country << 32) ^ ((ulong)_asn << 16) ^ ((ulong)_severity << 56)) * prime;
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccd;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53;
        return hash ^ (hash >> 33);
    }

    /// <summary>Same listing-relevant content (the address's membership and rank can differ only if this differs).</summary>
    internal bool SameListing(in BlocklistEntry other)
        => _score == other._score && _rawScore == other._rawScore && _lastSeenMs == other._lastSeenMs && _categories == other._categories &&
           _severity == other._severity && _sessions == other._sessions && ReferenceEquals(_protocols, other._protocols) &&
           _country == other._country && _asn == other._asn;
}
