using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Palisade.Server.Hosting;

/// <summary>
/// Runs long background work (the TAXII heads load and rescans: seconds to a minute of CPU at a million addresses) on a
/// thread of its own, so that it can give way to requests: after <see cref="Yield"/> the thread runs at a lower
/// scheduling priority (on Linux a nice value of <see cref="Nice"/>, which is per thread; elsewhere
/// <see cref="ThreadPriority.BelowNormal"/>). Awaits inside the work resume on the same thread (a single-thread
/// synchronization context), so the whole loop keeps that priority. On a core shared with request handling (one
/// core, or a busy machine) a request then takes the core first instead of a third of it.
/// </summary>
/// <remarks>
/// A request that waits for such work waits at the lower priority: the first blocklist build after a start is the one
/// such case, chosen so that the other first reads keep the core (lists await it without holding a thread).
/// </remarks>
internal static class BackgroundThread
{
    /// <summary>The nice value background work runs at after <see cref="Yield"/> (0 is normal, 19 the lowest).</summary>
    public const int Nice = 10;

    /// <summary>Starts <paramref name="work"/> on a new background thread; the task completes when the work does.</summary>
    public static Task Run(string name, Func<Task> work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var context = new SingleThreadContext();
            SynchronizationContext.SetSynchronizationContext(context);
            try
            {
                var task = work();
                task.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                context.Run();
                task.GetAwaiter().GetResult();
                done.TrySetResult();
            }
            catch (OperationCanceledException ex)
            {
                done.TrySetCanceled(ex.CancellationToken);
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>
    /// Completes once the server listens (<see cref="IHostApplicationLifetime.ApplicationStarted"/>), or is cancelled with
    /// <paramref name="stoppingToken"/>. Start-up loads begin here rather than beside the start: even at a lower priority
    /// each took ~10 % of a shared core from it (docs/performance.md "Restart at a million addresses (session 13)").
    /// </summary>
    public static async Task ListeningAsync(IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        if (lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        await started.Task;
    }

    /// <summary>Lowers the calling thread's scheduling priority for the rest of its life (it cannot be raised again).</summary>
    /// <returns>False when the platform refused.</returns>
    public static bool Yield()
    {
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
            return true;
        }

        try
        {
            return NativeMethods.setpriority(NativeMethods.PrioProcess, NativeMethods.gettid(), Nice) == 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Runs posted continuations on the thread that calls <see cref="Run"/>, until <see cref="Complete"/>.</summary>
    private sealed class SingleThreadContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

        public override void Post(SendOrPostCallback d, object? state)
        {
            try
            {
                _queue.Add((d, state));
            }
            catch (InvalidOperationException)
            {
                // Completed: the work is over, a late continuation runs where it was posted from.
                d(state);
            }
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException();

        public override SynchronizationContext CreateCopy() => this;

        public void Run()
        {
            foreach (var (callback, state) in _queue.GetConsumingEnumerable())
            {
                callback(state);
            }
        }

        public void Complete() => _queue.CompleteAdding();
    }

    private static class NativeMethods
    {
        public const int PrioProcess = 0; // with a thread id: that thread (Linux threads each have their own nice value)

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int setpriority(int which, int who, int prio);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int gettid();
    }
}
