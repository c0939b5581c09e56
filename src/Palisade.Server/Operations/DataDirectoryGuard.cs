using Microsoft.Extensions.Hosting;
using Palisade.Storage.Sqlite;

namespace Palisade.Server.Operations;

/// <summary>Holds the SQLite data folder's exclusive lock for the server's lifetime; started before the engine loads,
/// so a second server on the same folder stops with <see cref="DataDirectoryException"/> before touching anything.</summary>
internal sealed class DataDirectoryGuard(SqliteDatabase database) : IHostedService, IDisposable
{
    private DataDirectoryLock? _lock;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _lock ??= database.AcquireServerLock();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
