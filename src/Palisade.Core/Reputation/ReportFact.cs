using Palisade.Core.Scoring;

namespace Palisade.Core.Reputation;

/// <summary>
/// One category of one retained report, kept in memory: what scoring and the check response need, no comment. Packed
/// (72 bytes): the time as UTC ticks, the port as an int with -1 for none, kind and source as bytes; a million
/// addresses hold at least a million of these.
/// </summary>
public readonly record struct ReportFact
{
    private readonly long _atTicks;
    private readonly int _port;
    private readonly byte _kind;
    private readonly byte _source;

    public ReportFact(long reportId, long keyId, ReporterKind kind, double trust, int categoryId, string? protocol, int? port, string? username,
        DateTimeOffset at, ReportSource source, string? email = null)
    {
        ReportId = reportId;
        KeyId = keyId;
        _kind = (byte)kind;
        Trust = trust;
        CategoryId = categoryId;
        Protocol = protocol;
        _port = port ?? -1;
        Username = username;
        _atTicks = at.UtcTicks;
        _source = (byte)source;
        Email = email;
    }

    public long ReportId { get; }

    public long KeyId { get; }

    public ReporterKind Kind => (ReporterKind)_kind;

    public double Trust { get; }

    public int CategoryId { get; }

    public string? Protocol { get; }

    public int? Port => _port < 0 ? null : _port;

    public string? Username { get; }

    /// <summary>When the report says it happened, in UTC.</summary>
    public DateTimeOffset At => new(_atTicks, TimeSpan.Zero);

    /// <summary><see cref="At"/> as UTC ticks.</summary>
    internal long AtTicks => _atTicks;

    public ReportSource Source => (ReportSource)_source;

    public string? Email { get; }

    public Evidence ToEvidence() => new(KeyId, Kind, Trust, CategoryId, Protocol, At, Source);
}
