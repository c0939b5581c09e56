namespace Palisade.Core.Time;

/// <summary>The source of "now"; tests substitute a fake so retention, quotas and decay are deterministic.</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }
}
