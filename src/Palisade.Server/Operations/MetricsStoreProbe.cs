using System.Diagnostics;
using Palisade.Core.Storage;

namespace Palisade.Server.Operations;

/// <summary>
/// <c>palisade_store_up</c>: the check <c>/readyz</c> makes, reused for <see cref="MetricsOptions.StoreCheckInterval"/>
/// so that frequent or overlapping scrapes query the database at most once per interval.
/// </summary>
public sealed class MetricsStoreProbe(IStoreHealth store, TimeSpan interval)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private long _checkedAt;
    private int _running;
    private volatile bool _checked;
    private volatile bool _up;
    private double _duration;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_checked && Stopwatch.GetElapsedTime(Volatile.Read(ref _checkedAt)) < interval)
        {
            return;
        }

        // A scrape that finds a check already running reports the previous result rather than queueing another.
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            return;
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var ok = false;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(Timeout);
                try
                {
                    ok = await store.PingAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
                {
                    // A store that throws is a store that does not answer.
                }
            }

            _up = ok;
            Volatile.Write(ref _duration, Stopwatch.GetElapsedTime(started).TotalSeconds);
            Volatile.Write(ref _checkedAt, Stopwatch.GetTimestamp());
            _checked = true;
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public void WriteTo(MetricsTextWriter writer)
    {
        writer.Family("palisade_store_up", "gauge", "1 when the store answered its last check (the /readyz check), 0 when it did not.");
        writer.Sample("palisade_store_up", _up ? 1 : 0);
        writer.Family("palisade_store_check_duration_seconds", "gauge", "How long the last store check took.");
        writer.Sample("palisade_store_check_duration_seconds", Volatile.Read(ref _duration));
    }
}
