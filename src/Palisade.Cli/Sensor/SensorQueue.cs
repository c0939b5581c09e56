using System.Globalization;
using System.Text.Json;
using Palisade.Core.Sensors;

namespace Palisade.Cli.Sensor;

/// <summary>
/// The on-disk queue: one file per batch in <c>DATA/queue</c>, written to a temporary name, flushed to disk and renamed,
/// so a batch is either whole or absent after a crash. Batches leave the queue only once the server accepted them,
/// oldest first; a sensor restart picks up where it stopped. Bounded: at most <see cref="MaxBatches"/> files (a full
/// queue refuses new batches, and says so, rather than fill the disk).
/// </summary>
internal sealed class SensorQueue
{
    public const int MaxBatches = 20_000;
    public const int MaxReportsPerBatch = 1_000;

    private readonly string _directory;
    private readonly string _refused;
    private long _sequence;

    public SensorQueue(string dataDirectory)
    {
        _directory = Path.Combine(dataDirectory, "queue");
        _refused = Path.Combine(_directory, "refused");
        Directory.CreateDirectory(_directory);
        foreach (var stale in Directory.EnumerateFiles(_directory, "*.tmp"))
        {
            File.Delete(stale);
        }
    }

    public int Count => Directory.EnumerateFiles(_directory, "*.json").Count();

    /// <summary>Stores reports as one or more batches; false when the queue is full.</summary>
    public bool Enqueue(IReadOnlyList<SensorReport> reports)
    {
        for (var offset = 0; offset < reports.Count; offset += MaxReportsPerBatch)
        {
            if (Count >= MaxBatches)
            {
                return false;
            }

            var chunk = reports.Skip(offset).Take(MaxReportsPerBatch).ToArray();
            var name = string.Create(CultureInfo.InvariantCulture,
                $"{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds():D15}-{Environment.ProcessId:D7}-{Interlocked.Increment(ref _sequence):D9}");
            var temporary = Path.Combine(_directory, name + ".tmp");
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(file, new SensorBatch(chunk), SensorJsonContext.Default.SensorBatch);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path.Combine(_directory, name + ".json"));
        }

        return true;
    }

    /// <summary>The oldest batch file, or null when the queue is empty.</summary>
    public string? Oldest() => Directory.EnumerateFiles(_directory, "*.json").Order(StringComparer.Ordinal).FirstOrDefault();

    public static void Remove(string batch) => File.Delete(batch);

    /// <summary>Moves a batch the server refused as malformed aside (kept for the operator, never retried).</summary>
    public void SetAside(string batch)
    {
        Directory.CreateDirectory(_refused);
        File.Move(batch, Path.Combine(_refused, Path.GetFileName(batch)), overwrite: true);
    }
}
