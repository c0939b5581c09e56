using System.Collections.Concurrent;
using Palisade.Core.Sensors;
using Palisade.Core.Time;

namespace Palisade.Server.Sensors;

/// <summary>What the server knows about one sensor of a key: its last heartbeat and today's counts.</summary>
public sealed record SensorStatus(
    string Sensor,
    string Kind,
    DateTimeOffset LastHeartbeat,
    IReadOnlyList<string> Listeners,
    IReadOnlyDictionary<string, long> EventsToday,
    IReadOnlyList<UsernameCount> TopUsernames,
    int Queued);

/// <summary>
/// The sensors seen per key, from their heartbeats. Palisade's own sensor sends its day counts with every heartbeat
/// (the sensor is their source, so a server restart loses nothing that the next heartbeat does not bring back); an
/// IPSwamp honeypot sends only its id, and its counts are those of the reports it sent here today. Held in memory,
/// per node; bounded per key.
/// </summary>
public sealed class SensorRegistry(IClock clock)
{
    public const int MaxSensorsPerKey = 100;

    private readonly ConcurrentDictionary<long, ConcurrentDictionary<string, Entry>> _keys = new();

    /// <summary>Records a heartbeat; false when the key already has <see cref="MaxSensorsPerKey"/> other sensors.</summary>
    public bool Heartbeat(long keyId, string sensor, string kind, IReadOnlyList<string> listeners, IReadOnlyDictionary<string, long>? eventsToday,
        IReadOnlyList<UsernameCount>? topUsernames, int queued)
    {
        var sensors = _keys.GetOrAdd(keyId, _ => new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal));
        if (!sensors.ContainsKey(sensor) && sensors.Count >= MaxSensorsPerKey)
        {
            return false;
        }

        var now = clock.UtcNow;
        var entry = sensors.GetOrAdd(sensor, _ => new Entry());
        lock (entry)
        {
            entry.Kind = kind;
            entry.LastHeartbeat = now;
            entry.Listeners = listeners;
            entry.Queued = queued;
            entry.Day = DateOnly.FromDateTime(now.UtcDateTime);
            if (eventsToday is not null)
            {
                entry.Events = new Dictionary<string, long>(eventsToday, StringComparer.Ordinal);
                entry.Usernames = topUsernames ?? [];
            }
        }

        return true;
    }

    /// <summary>Counts a report of a key that sends no counts of its own (an IPSwamp honeypot) to its latest sensor.</summary>
    public void CountReport(long keyId, string protocol)
    {
        if (!_keys.TryGetValue(keyId, out var sensors) || sensors.IsEmpty)
        {
            return;
        }

        var entry = sensors.Values.MaxBy(e => e.LastHeartbeat)!;
        var today = DateOnly.FromDateTime(clock.UtcNow.UtcDateTime);
        lock (entry)
        {
            if (entry.Day != today)
            {
                entry.Day = today;
                entry.Events = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            var events = new Dictionary<string, long>(entry.Events, StringComparer.Ordinal);
            events[protocol] = events.GetValueOrDefault(protocol) + 1;
            entry.Events = events;
        }
    }

    /// <summary>The sensors of a key, most recent heartbeat first; counts of an earlier day read as empty.</summary>
    public IReadOnlyList<SensorStatus> For(long keyId)
    {
        if (!_keys.TryGetValue(keyId, out var sensors))
        {
            return [];
        }

        var today = DateOnly.FromDateTime(clock.UtcNow.UtcDateTime);
        var list = new List<SensorStatus>();
        foreach (var (name, entry) in sensors)
        {
            lock (entry)
            {
                var current = entry.Day == today;
                list.Add(new SensorStatus(name, entry.Kind, entry.LastHeartbeat, entry.Listeners,
                    current ? entry.Events : new Dictionary<string, long>(), current ? entry.Usernames : [], entry.Queued));
            }
        }

        return [.. list.OrderByDescending(s => s.LastHeartbeat)];
    }

    private sealed class Entry
    {
        public string Kind { get; set; } = "palisade";

        public DateTimeOffset LastHeartbeat { get; set; }

        public IReadOnlyList<string> Listeners { get; set; } = [];

        public IReadOnlyDictionary<string, long> Events { get; set; } = new Dictionary<string, long>();

        public IReadOnlyList<UsernameCount> Usernames { get; set; } = [];

        public int Queued { get; set; }

        public DateOnly Day { get; set; }
    }
}
