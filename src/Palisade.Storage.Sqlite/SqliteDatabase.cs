using Microsoft.Data.Sqlite;
using Palisade.Core.Storage;
using Palisade.Storage;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// The embedded database: one file (palisade.db) in the data folder, WAL mode so the CLI can write while the server
/// reads, migrations applied on open. <c>synchronous=NORMAL</c> in WAL survives a killed process without losing a
/// committed transaction; <see cref="SqliteOptions.FullSync"/> also survives power loss.
/// </summary>
/// <remarks>
/// Checkpoints (copying the WAL back into palisade.db) run in the background, not in a writer's commit: with SQLite's
/// automatic checkpoint every 1,000 pages, the commit that crossed the mark copied the whole WAL and synced both files
/// while holding the write gate, and every report waiting behind it waited 30–300 ms (the benchmark's p99). The writers that take the gate
/// call <see cref="NoteWrite"/>; see <see cref="Checkpoint"/>.
/// </remarks>
public sealed class SqliteDatabase : IStoreLifecycle, IConnectionFactory
{
    // A commit still checkpoints by itself past 16,384 WAL pages (64 MB; SQLite's automatic checkpoint, 1,000 by
    // default): only when the background checkpoints fall behind, or in a process whose writers never call NoteWrite.
    private const string AutoCheckpoint = "PRAGMA wal_autocheckpoint=16384;";

    /// <summary>
    /// The WAL is brought back to its start (by the next writer) once it holds this many pages (16 MB). Each time costs
    /// one short checkpoint under the write gate (see <see cref="Checkpoint"/>); at 1,000 pages (SQLite's mark) that
    /// was five times a second under the ingest benchmark's load, and at 16,384 each one held the gate longer.
    /// </summary>
    public const int RestartPages = 4_096;

    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(100);

    private string _connectionString;
    private readonly SqliteOptions _options;
    private readonly Lock _checkpointGate = new();
    private bool _checkpointing;
    private long _writes;

    public SqliteDatabase(SqliteOptions options)
    {
        _options = options;
        DataDirectoryFiles.PrepareFolder(options.DataDirectory);
        FilePath = Path.GetFullPath(Path.Combine(options.DataDirectory, "palisade.db"));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = 10,
            Pooling = true,
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>
    /// Taken around the server's frequent write transactions (report groups, TAXII versions), so they queue here in
    /// turn instead of polling SQLite's write lock: a writer that finds it taken sleeps in SQLite's busy handler (1, 2,
    /// 5, 10, 15… ms) past the moment the lock is free. Other writers (and other processes) still meet SQLite's lock.
    /// </summary>
    public SemaphoreSlim WriteGate { get; } = new(1, 1);

    public string Description => FilePath;

    /// <summary>A connection with the pragmas every writer relies on. Microsoft.Data.Sqlite opens and runs them synchronously
    /// (its async methods are the base class's synchronous fallbacks), so this is <see cref="Open"/>.</summary>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<SqliteConnection>(cancellationToken);
        }

        try
        {
            return Task.FromResult(Open());
        }
        catch (Exception ex)
        {
            return Task.FromException<SqliteConnection>(ex);
        }
    }

    /// <summary>A connection with the pragmas every writer relies on, opened on the calling thread.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = _options.FullSync
                ? "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; " + AutoCheckpoint
                : "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; " + AutoCheckpoint;
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new StoreUnavailableException($"The database at {FilePath} cannot be opened: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Called by a writer after it committed under <see cref="WriteGate"/>: starts the background checkpoints if they are
    /// not running. They run every 100 ms while writes come in and stop once a round finds none.
    /// </summary>
    public void NoteWrite()
    {
        Interlocked.Increment(ref _writes);
        lock (_checkpointGate)
        {
            if (_checkpointing)
            {
                return;
            }

            _checkpointing = true;
        }

        // A thread of its own, not the thread pool's: each pass blocks in SQLite's copy and in fsync (10-60 ms under the
        // ingest benchmark), and on one core the pool runs one to three threads, so a pass on one of them held up every
        // request queued behind it (docs/performance.md "Session 18").
        new Thread(CheckpointLoop) { IsBackground = true, Name = "SQLite checkpoints" }.Start();
    }

    private void CheckpointLoop()
    {
        var seen = -1L;
        while (true)
        {
            Thread.Sleep(CheckpointInterval);
            var writes = Interlocked.Read(ref _writes);
            if (writes == seen)
            {
                lock (_checkpointGate)
                {
                    if (Interlocked.Read(ref _writes) == seen)
                    {
                        _checkpointing = false;
                        return;
                    }
                }

                continue;
            }

            seen = writes;
            try
            {
                Checkpoint();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The next round tries again (the loop must not end with _checkpointing left set); meanwhile commits still
                // checkpoint by themselves past 16,384 pages.
            }
        }
    }

    /// <summary>
    /// One background checkpoint: first a passive one beside the writers (they keep committing while it copies). Once the
    /// WAL holds <see cref="RestartPages"/> pages it is brought back to its start: palisade.db is synced, a second passive
    /// pass copies what was committed meanwhile, palisade.db is synced again, and a last passive pass runs under the write
    /// gate, copying (and syncing) only the commits of those few milliseconds. After that every page is in
    /// palisade.db, so the next writer starts the WAL from its beginning again (unless a reader still reads an old
    /// snapshot; the next round tries again), and the WAL file stays small under constant load. Committed transactions
    /// are in the WAL either way: durability is unchanged, and each pass syncs the WAL before copying, as the automatic
    /// checkpoint did.
    /// </summary>
    /// <remarks>
    /// SQLite syncs palisade.db only after a pass that copied the whole WAL, which under constant load only the pass
    /// under the gate does: it then synced the 16 MB of scattered pages every earlier pass had copied, and the gate was
    /// held ~26 ms, 2.5 times a second — every connection's report waited behind it, the ingest benchmark's p99
    /// (docs/performance.md "Session 16"). Synced beside the writers first, the gate is held ~5 ms.
    /// </remarks>
    /// <returns>The WAL's pages and how many of them are in palisade.db after the checkpoint.</returns>
    public (long Pages, long Copied) Checkpoint()
    {
        using var connection = Open();
        var (pages, copied) = PassiveCheckpoint(connection);
        if (pages < RestartPages)
        {
            return (pages, copied);
        }

        SyncDatabaseFile();
        PassiveCheckpoint(connection);
        SyncDatabaseFile();
        WriteGate.Wait();
        try
        {
            return PassiveCheckpoint(connection);
        }
        finally
        {
            WriteGate.Release();
        }
    }

    // fsync through a descriptor of our own flushes palisade.db's pages whoever wrote them. The descriptor is opened once
    // per file and never closed: closing any descriptor of a file drops every POSIX lock the process holds on it,
    // SQLite's included (sqlite.org/howtocorrupt.html, 2.2). Best effort: the pass under the gate still syncs what it
    // copied, so a file that cannot be opened here only makes that pass longer.
    private static readonly Dictionary<string, FileStream> SyncHandles = [];

    private void SyncDatabaseFile()
    {
        FileStream? file;
        lock (SyncHandles)
        {
            if (!SyncHandles.TryGetValue(FilePath, out file))
            {
                try
                {
                    SyncHandles[FilePath] = file = new FileStream(FilePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return;
                }
            }
        }

        try
        {
            file.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
        }
    }

    private static (long Pages, long Copied) PassiveCheckpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(1), reader.GetInt64(2)) : (0, 0);
    }

    /// <summary>Busy or locked past the busy timeout, an I/O error, a full disk, a file that cannot be opened or has
    /// turned read-only: conditions of the machine that pass, answered 503; anything else is a bug.</summary>
    public bool IsUnavailable(Exception error) => error switch
    {
        StoreUnavailableException or IOException => true,
        SqliteException { SqliteErrorCode: 5 or 6 or 8 or 10 or 13 or 14 } => true,
        _ => false,
    };

    async Task<System.Data.Common.DbConnection> IConnectionFactory.OpenConnectionAsync(CancellationToken cancellationToken)
        => await OpenAsync(cancellationToken);

    /// <summary>The server's exclusive hold on the data folder (see <see cref="DataDirectoryLock"/>).</summary>
    public DataDirectoryLock AcquireServerLock() => DataDirectoryLock.Acquire(_options.DataDirectory);

    /// <summary>Creates the file if needed (refusing one that exists but is not a database), switches it to WAL and
    /// applies pending migrations.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        DataDirectoryFiles.CheckDatabase(FilePath);
        await using var connection = await OpenAsync(cancellationToken);
        DataDirectoryFiles.TightenDatabase(FilePath);
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await SqliteMigrations.ApplyAsync(connection, cancellationToken);
        DataDirectoryFiles.TightenDatabase(FilePath);

        // Once the database exists, a connection opened after its file was removed or moved away fails (the store is
        // unavailable: 503, /readyz) instead of quietly creating an empty database in its place.
        _connectionString = new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadWrite }.ToString();
    }

    /// <summary>Writes (and removes) a small file next to palisade.db: SQLite needs that much room to append to its WAL.</summary>
    private bool CanWrite()
    {
        var probe = Path.Combine(Path.GetDirectoryName(FilePath)!, ".palisade-write-probe");
        try
        {
            using (var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.DeleteOnClose))
            {
                file.Write(new byte[64 * 1024]);
                file.Flush();
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Ready means the database answers and its folder takes writes: with the disk full every report would
    /// get 503, so the node must leave the load balancer's rotation (and come back by itself when space returns).</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
        {
            return false;
        }

        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM schema_version";
            await command.ExecuteScalarAsync(cancellationToken);
            return CanWrite();
        }
        catch (Exception ex) when (ex is SqliteException or StoreUnavailableException or IOException)
        {
            return false;
        }
    }
}
