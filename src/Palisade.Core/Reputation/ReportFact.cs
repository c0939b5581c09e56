using Palisade.Core.Scoring;

namespace Palisade.Core.Reputation;

/// <summary>
/// One category of one retained report, kept in memory: what scoring and the check response need, no comment. Packed
/// (48 bytes): the time as UTC ticks, the key id as 32 bits, the port (17 bits, 0 for none), category (10 bits), kind and
/// source (2 bits each) in one 32-bit word, and the username and e-mail behind one reference (most reports name neither,
/// few an e-mail); a million addresses hold at least a million of these.
/// </summary>
public readonly record struct ReportFact
{
    private const int PortBits = 17, CategoryBits = 10, KindBits = 2;
    private const int CategoryShift = PortBits, KindShift = CategoryShift + CategoryBits, SourceShift = KindShift + KindBits;

    private readonly long _atTicks;
    private readonly int _keyId;

    // Port + 1 (0: none) | category << 17 | kind << 27 | source << 29.
    private readonly uint _bits;

    // The username (a string) or, when the report named an e-mail address, a Contact holding both.
    private readonly object? _who;

    public ReportFact(long reportId, long keyId, ReporterKind kind, double trust, int categoryId, string? protocol, int? port, string? username,
        DateTimeOffset at, ReportSource source, string? email = null)
    {
        ReportId = reportId;
        // Key ids are the keys table's row ids; category ids the catalog's (validated on the way in, all small); ports
        // 0–65535 (validated).
        ArgumentOutOfRangeException.ThrowIfGreaterThan((ulong)keyId, (ulong)int.MaxValue, nameof(keyId));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)categoryId, (1u << CategoryBits) - 1, nameof(categoryId));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)(port ?? 0), (uint)ushort.MaxValue, nameof(port));
        _keyId = (int)keyId;
        _bits = (uint)(port is { } p ? p + 1 : 0) | (uint)categoryId << CategoryShift | (uint)kind << KindShift | (uint)source << SourceShift;
        Trust = trust;
        Protocol = protocol;
        _who = email is null ? username : new Contact(username, email);
        _atTicks = at.UtcTicks;
    }

    public long ReportId { get; }

    public long KeyId => _keyId;

    public ReporterKind Kind => (ReporterKind)(_bits >> KindShift & ((1u << KindBits) - 1));

    public double Trust { get; }

    public int CategoryId => (int)(_bits >> CategoryShift & ((1u << CategoryBits) - 1));

    public string? Protocol { get; }

    public int? Port => (_bits & ((1u << PortBits) - 1)) is var port and > 0 ? (int)port - 1 : null;

    public string? Username => _who as string ?? (_who as Contact)?.Username;

    /// <summary>When the report says it happened, in UTC.</summary>
    public DateTimeOffset At => new(_atTicks, TimeSpan.Zero);

    /// <summary><see cref="At"/> as UTC ticks.</summary>
    internal long AtTicks => _atTicks;

    public ReportSource Source => (ReportSource)(_bits >> SourceShift);

    public string? Email => (_who as Contact)?.Email;

    public Evidence ToEvidence() => new(KeyId, Kind, Trust, CategoryId, Protocol, At, Source);

    private sealed record Contact(string? Username, string Email);
}
