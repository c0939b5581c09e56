using Palisade.Core.Stix;
using Palisade.Storage;

namespace Palisade.Storage.Sqlite;

/// <summary>The TAXII version log in SQLite (tables taxii_log and taxii_settings, see <see cref="SqlTaxiiLog"/>).</summary>
public sealed class SqliteTaxiiStore : ITaxiiStore, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly SqlTaxiiLog _log;
    private readonly SemaphoreSlim _migration = new(1, 1);
    private bool _ready;

    /// <param name="database">The database.</param>
    /// <param name="migrate">Apply migrations on first use: for a database the engine itself does not open and migrate.</param>
    public SqliteTaxiiStore(SqliteDatabase database, bool migrate = false)
    {
        _database = database;
        _ready = !migrate;
        _log = new SqlTaxiiLog(async cancellationToken => await OpenAsync(cancellationToken), arrayParameters: false);
    }

    public Task<byte[]> GetOrCreateCursorKeyAsync(CancellationToken cancellationToken) => _log.GetOrCreateCursorKeyAsync(cancellationToken);

    public Task<IReadOnlyList<IndicatorHead>> LoadHeadsAsync(CancellationToken cancellationToken) => _log.LoadHeadsAsync(cancellationToken);

    public Task<long> LastDateAddedAsync(CancellationToken cancellationToken) => _log.LastDateAddedAsync(cancellationToken);

    /// <remarks>
    /// Under the database's write gate, on a thread-pool thread: the publisher's own thread runs at a lowered priority,
    /// and a report commit waiting for the gate must not wait for a thread the scheduler puts last.
    /// </remarks>
    public Task AppendAsync(IReadOnlyList<StixVersion> versions, CancellationToken cancellationToken)
        => Task.Run(
            async () =>
            {
                await _database.WriteGate.WaitAsync(cancellationToken);
                try
                {
                    await _log.AppendAsync(versions, cancellationToken);
                }
                finally
                {
                    _database.WriteGate.Release();
                }
            },
            cancellationToken);

    public Task<IReadOnlyList<StixVersion>> QueryAsync(StixVersionQuery query, CancellationToken cancellationToken) => _log.QueryAsync(query, cancellationToken);

    /// <summary>One server per SQLite folder: it is always the publisher.</summary>
    public Task<IAsyncDisposable?> TryAcquirePublisherLeaseAsync(CancellationToken cancellationToken)
        => Task.FromResult<IAsyncDisposable?>(SoleLease.Instance);

    public void Dispose() => _migration.Dispose();

    private sealed class SoleLease : IAsyncDisposable
    {
        public static readonly SoleLease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private async Task<Microsoft.Data.Sqlite.SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!Volatile.Read(ref _ready))
        {
            await _migration.WaitAsync(cancellationToken);
            try
            {
                if (!_ready)
                {
                    await _database.MigrateAsync(cancellationToken);
                    Volatile.Write(ref _ready, true);
                }
            }
            finally
            {
                _migration.Release();
            }
        }

        return await _database.OpenAsync(cancellationToken);
    }
}
