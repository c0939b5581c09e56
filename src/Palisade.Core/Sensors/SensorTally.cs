namespace Palisade.Core.Sensors;

/// <summary>
/// Today's (UTC) counts of a sensor: events per protocol and the most offered usernames. It starts again at midnight
/// UTC. The username table is bounded (<c>maxUsernames</c> distinct names; later new names are not counted).
/// </summary>
public sealed class SensorTally(int maxUsernames = 10_000)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, long> _protocols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _usernames = new(StringComparer.Ordinal);
    private DateOnly _day;

    public void Add(SensorEvent sensorEvent)
    {
        var day = DateOnly.FromDateTime(sensorEvent.Timestamp.UtcDateTime);
        lock (_gate)
        {
            Roll(day);
            _protocols[sensorEvent.Protocol] = _protocols.GetValueOrDefault(sensorEvent.Protocol) + 1;
            if (SensorAggregator.Clean(sensorEvent.Username) is { } username &&
                (_usernames.ContainsKey(username) || _usernames.Count < maxUsernames))
            {
                _usernames[username] = _usernames.GetValueOrDefault(username) + 1;
            }
        }
    }

    /// <summary>Events per protocol and the <paramref name="top"/> usernames of the day of <paramref name="now"/>.</summary>
    public SensorTallySnapshot Snapshot(DateTimeOffset now, int top = 10)
    {
        lock (_gate)
        {
            Roll(DateOnly.FromDateTime(now.UtcDateTime));
            return new SensorTallySnapshot(
                new Dictionary<string, long>(_protocols, StringComparer.Ordinal),
                [.. _usernames.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top).Select(p => new UsernameCount(p.Key, p.Value))]);
        }
    }

    private void Roll(DateOnly day)
    {
        if (day > _day)
        {
            _day = day;
            _protocols.Clear();
            _usernames.Clear();
        }
    }
}

/// <summary>A username and how often it was offered.</summary>
public sealed record UsernameCount(string Username, long Count);

/// <summary>A sensor's counts of one day.</summary>
public sealed record SensorTallySnapshot(IReadOnlyDictionary<string, long> EventsByProtocol, IReadOnlyList<UsernameCount> TopUsernames);
