namespace Palisade.Core.Scoring;

/// <summary>Where the reporter saw the address: <see cref="Local"/> (own logs or sensor) or <see cref="Feed"/> (on a list).
/// Feed reports are stored and shown but never raise a score, so lists cannot feed each other.</summary>
public enum ReportSource
{
    Local,
    Feed,
}
