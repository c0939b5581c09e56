using Palisade.Core.Scoring;

namespace Palisade.Core.Reputation;

/// <summary>
/// One category of one retained report, kept in memory: what scoring and the check response need, no comment. Packed
/// (56 bytes): the time as UTC ticks, the port as an int with -1 for none, the category as 16 bits, kind and source as
/// bytes, and the username and e-mail behind one reference (most reports name neither, few an e-mail); a million
/// addresses hold at least a million of these.
/// </summary>
public readonly record struct ReportFact
{
    private readonly long _atTicks;
    private readonly int _port;
    private readonly ushort _category;
    private readonly byte _kind;
    private readonly byte _source;

    // The username (a string) or, when the report named an e-mail address, a Contact holding both.
    private readonly object? _who;

    public ReportFact(long reportId, long keyId, ReporterKind kind, double trust, int categoryId, string? protocol, int? port, string? username,
        DateTimeOffset at, ReportSource source, string? email = null)
    {
        ReportId = reportId;
        KeyId = keyId;
        _kind = (byte)kind;
        Trust = trust;
        // Category ids are the catalog's (validated on the way in, all small).
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)categoryId, ushort.MaxValue, nameof(categoryId));
        _category = (ushort)categoryId;
        Protocol = protocol;
        _port = port ?? -1;
        _who = email is null ? username : new Contact(username, email);
        _atTicks = at.UtcTicks;
        _source = (byte)source;
    }

    public long ReportId { get; }

    public long KeyId { get; }

    public ReporterKind Kind => (ReporterKind)_kind;

    public double Trust { get; }

    public int CategoryId => _category;

    public string? Protocol { get; }

    public int? Port => _port < 0 ? null : _port;

    public string? Username => _who as string ?? (_who as Contact)?.Username;

    /// <summary>When the report says it happened, in UTC.</summary>
    public DateTimeOffset At => new(_atTicks, TimeSpan.Zero);

    /// <summary><see cref="At"/> as UTC ticks.</summary>
    internal long AtTicks => _atTicks;

    public ReportSource Source => (ReportSource)_source;

    public string? Email => (_who as Contact)?.Email;

    public Evidence ToEvidence() => new(KeyId, Kind, Trust, CategoryId, Protocol, At, Source);

    private sealed record Contact(string? Username, string Email);
}
