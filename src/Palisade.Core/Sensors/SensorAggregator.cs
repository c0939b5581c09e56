using System.Text;
using Palisade.Core.Reports;

namespace Palisade.Core.Sensors;

/// <summary>
/// Folds sensor events into reports: one per address and behaviour (category × protocol) per window. The first event
/// of a behaviour opens an entry; events until the next <see cref="TakeReady"/> are counted into that report (more
/// usernames and paths go into its comment); later ones in the same window are counted but not reported again — the
/// server would answer them as duplicates anyway (<see cref="ReportLimits.DuplicateWindow"/>). Bounded: at most
/// <c>maxEntries</c> behaviours are tracked; events beyond are counted in <see cref="Dropped"/>.
/// Thread-safe: listeners add from many connections.
/// </summary>
public sealed class SensorAggregator(TimeSpan window, int maxEntries = 100_000)
{
    public const int MaxUsernamesInComment = 10;
    public const int MaxPathsInComment = 5;
    private const int MaxItemLength = 80;

    private readonly Dictionary<(string Address, int Category, string Protocol), Entry> _entries = [];
    private readonly Lock _gate = new();
    private long _dropped;

    /// <summary>Events not tracked because <c>maxEntries</c> behaviours were open.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Behaviours tracked now (reported or waiting).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Classifies an event and counts it into its behaviour's entry.</summary>
    public SensorRule Add(SensorEvent sensorEvent)
    {
        var rule = SensorRuleTable.Classify(sensorEvent);
        var key = (sensorEvent.Address, rule.Category, sensorEvent.Protocol);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && sensorEvent.Timestamp - entry.FirstSeen >= window)
            {
                _entries.Remove(key);
                entry = null;
            }

            if (entry is null)
            {
                if (_entries.Count >= maxEntries)
                {
                    Interlocked.Increment(ref _dropped);
                    return rule;
                }

                entry = new Entry(sensorEvent.Timestamp, sensorEvent.Port, rule);
                _entries[key] = entry;
            }

            entry.Count++;
            if (!entry.Reported)
            {
                entry.Pending++;
                AddDistinct(entry.Usernames, sensorEvent.Username, MaxUsernamesInComment);
                AddDistinct(entry.Paths, sensorEvent.Path is null ? null : $"{sensorEvent.Method} {sensorEvent.Path}".Trim(), MaxPathsInComment);
            }
        }

        return rule;
    }

    /// <summary>The reports of behaviours not yet reported, marking them reported; forgets entries whose window is over.</summary>
    public IReadOnlyList<SensorReport> TakeReady(DateTimeOffset now)
    {
        var reports = new List<SensorReport>();
        lock (_gate)
        {
            List<(string, int, string)>? expired = null;
            foreach (var (key, entry) in _entries)
            {
                if (!entry.Reported)
                {
                    entry.Reported = true;
                    reports.Add(new SensorReport(key.Address, [key.Category], key.Protocol, entry.Port,
                        entry.Usernames.Count > 0 ? entry.Usernames[0] : null, Comment(key.Protocol, entry), entry.FirstSeen));
                }
                else if (now - entry.FirstSeen >= window)
                {
                    (expired ??= []).Add(key);
                }
            }

            foreach (var key in expired ?? [])
            {
                _entries.Remove(key);
            }
        }

        return reports;
    }

    /// <summary>Printable, short and without control characters: attacker input ends up in comments and logs.</summary>
    public static string? Clean(string? text, int maxLength = MaxItemLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength));
        foreach (var c in text)
        {
            if (builder.Length == maxLength)
            {
                break;
            }

            builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? '?' : c);
        }

        return builder.ToString();
    }

    private static void AddDistinct(List<string> list, string? value, int max)
    {
        value = Clean(value);
        if (value is not null && list.Count < max && !list.Contains(value))
        {
            list.Add(value);
        }
    }

    private static string Comment(string protocol, Entry entry)
    {
        var text = new StringBuilder("palisade sensor: ").Append(protocol).Append(' ').Append(entry.Rule.Name)
            .Append(", ").Append(entry.Pending).Append(entry.Pending == 1 ? " event" : " events");
        if (entry.Usernames.Count > 0)
        {
            text.Append("; usernames: ").AppendJoin(", ", entry.Usernames);
        }

        if (entry.Paths.Count > 0)
        {
            text.Append("; requests: ").AppendJoin(", ", entry.Paths);
        }

        return text.Length <= ReportLimits.MaxCommentLength ? text.ToString() : text.ToString(0, ReportLimits.MaxCommentLength);
    }

    private sealed class Entry(DateTimeOffset firstSeen, int port, SensorRule rule)
    {
        public DateTimeOffset FirstSeen { get; } = firstSeen;

        public int Port { get; } = port;

        public SensorRule Rule { get; } = rule;

        public long Count { get; set; }

        public long Pending { get; set; }

        public bool Reported { get; set; }

        public List<string> Usernames { get; } = [];

        public List<string> Paths { get; } = [];
    }
}
