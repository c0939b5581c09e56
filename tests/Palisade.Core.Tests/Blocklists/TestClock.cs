using Palisade.Core.Time;

namespace Palisade.Core.Tests.Blocklists;

internal sealed class TestClock(DateTimeOffset now) : IClock
{
    public DateTimeOffset UtcNow { get; set; } = now;
}
