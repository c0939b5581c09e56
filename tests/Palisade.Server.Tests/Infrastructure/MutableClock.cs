using Palisade.Core.Time;

namespace Palisade.Server.Tests.Infrastructure;

/// <summary>A clock tests move by hand.</summary>
public sealed class MutableClock(DateTimeOffset start) : IClock
{
    private long _ticks = start.UtcTicks;

    public DateTimeOffset UtcNow => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
