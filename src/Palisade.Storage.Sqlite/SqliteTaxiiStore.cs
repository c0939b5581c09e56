using Microsoft.Data.Sqlite;
using Palisade.Core.Stix;
using Palisade.Storage;
using SQLitePCL;

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
        _log = new SqlTaxiiLog(async cancellationToken => await OpenAsync(cancellationToken), arrayParameters: false,
            async cancellationToken => await RawTaxiiLogWriter.BeginAsync(await OpenAsync(cancellationToken), cancellationToken));
    }

    public Task<byte[]> GetOrCreateCursorKeyAsync(CancellationToken cancellationToken) => _log.GetOrCreateCursorKeyAsync(cancellationToken);

    public Task LoadHeadsAsync(long after, Action<StoredIndicatorHead> add, CancellationToken cancellationToken) => _log.LoadHeadsAsync(after, add, cancellationToken);

    public Task LoadHeadsAsync(IReadOnlyCollection<string> addresses, Action<StoredIndicatorHead> add, CancellationToken cancellationToken)
        => _log.LoadHeadsAsync(addresses, add, cancellationToken);

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
                    _database.NoteWrite();
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

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
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

    /// <summary>
    /// An append through raw prepared statements on the transaction's own connection, each value bound by position with
    /// its column's type (as <see cref="SqliteReportStore"/> inserts reports). Through SqliteCommand every row bound its
    /// 14 parameters by name and went through a data reader: most of what the TAXII publisher's writes cost while
    /// single reports stream in.
    /// </summary>
    private sealed class RawTaxiiLogWriter : ITaxiiLogWriter
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;
        private readonly sqlite3 _db;
        private sqlite3_stmt? _unmark;
        private sqlite3_stmt? _insert;
        private sqlite3_stmt? _insertText;
        private sqlite3_stmt? _selectText;

        private RawTaxiiLogWriter(SqliteConnection connection, SqliteTransaction transaction)
        {
            _connection = connection;
            _transaction = transaction;
            _db = connection.Handle!;
        }

        public static async Task<ITaxiiLogWriter> BeginAsync(SqliteConnection connection, CancellationToken cancellationToken)
        {
            try
            {
                return new RawTaxiiLogWriter(connection, (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken));
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        public ValueTask<long> TextIdAsync(string text, CancellationToken cancellationToken)
        {
            var insert = Prepared(ref _insertText, TaxiiLogSql.InsertText);
            Bound(raw.sqlite3_bind_text(insert, 1, text));
            Step(insert, raw.SQLITE_DONE);
            var select = Prepared(ref _selectText, TaxiiLogSql.SelectTextId);
            Bound(raw.sqlite3_bind_text(select, 1, text));
            Step(select, raw.SQLITE_ROW);
            var id = raw.sqlite3_column_int64(select, 0);
            raw.sqlite3_reset(select);
            return ValueTask.FromResult(id);
        }

        public ValueTask UnmarkLastAsync(byte[] objectUuid, CancellationToken cancellationToken)
        {
            var unmark = Prepared(ref _unmark, TaxiiLogSql.UnmarkLast);
            Bound(raw.sqlite3_bind_blob(unmark, 1, objectUuid));
            Step(unmark, raw.SQLITE_DONE);
            return ValueTask.CompletedTask;
        }

        public ValueTask InsertAsync(TaxiiLogRow row, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var insert = Prepared(ref _insert, TaxiiLogSql.Insert);
            // Every value is bound on every row (null included): a row must not keep the previous row's value.
            Bound(raw.sqlite3_bind_int64(insert, 1, row.DateAdded));
            Bound(raw.sqlite3_bind_blob(insert, 2, row.ObjectUuid));
            Bound(raw.sqlite3_bind_int64(insert, 3, row.Flags));
            Bound(raw.sqlite3_bind_int64(insert, 4, row.Modified));
            Bound(Bind(insert, 5, row.Created));
            Bound(Bind(insert, 6, row.ValidFrom));
            Bound(Bind(insert, 7, row.ValidUntil));
            Bound(Bind(insert, 8, row.Confidence));
            Bound(Bind(insert, 9, row.Generation));
            Bound(Bind(insert, 10, row.Address));
            Bound(Bind(insert, 11, row.LabelsId));
            Bound(Bind(insert, 12, row.TechniquesId));
            Bound(Bind(insert, 13, row.ObjectType));
            Bound(Bind(insert, 14, row.Body));
            Step(insert, raw.SQLITE_DONE);
            return ValueTask.CompletedTask;
        }

        public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            _unmark?.Dispose();
            _insert?.Dispose();
            _insertText?.Dispose();
            _selectText?.Dispose();
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
        }

        private sqlite3_stmt Prepared(ref sqlite3_stmt? statement, string sql)
        {
            if (statement is null)
            {
                SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_db, sql, out var prepared), _db);
                statement = prepared;
            }

            return statement;
        }

        // Steps a statement to the result expected of it and resets it for its next use (a failure is thrown; the
        // transaction is rolled back when the writer is disposed uncommitted).
        private void Step(sqlite3_stmt statement, int expected)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc != expected)
            {
                raw.sqlite3_reset(statement);
                SqliteException.ThrowExceptionForRC(rc, _db);
                throw new SqliteException($"Appending to the TAXII log returned SQLite code {rc}.", rc);
            }

            if (expected == raw.SQLITE_DONE)
            {
                raw.sqlite3_reset(statement);
            }
        }

        private void Bound(int rc) => SqliteBinding.Bound(_db, rc, "a TAXII log value");

        private static int Bind(sqlite3_stmt statement, int index, string? value) => SqliteBinding.Bind(statement, index, value);

        private static int Bind(sqlite3_stmt statement, int index, long? value) => SqliteBinding.Bind(statement, index, value);
    }
}
