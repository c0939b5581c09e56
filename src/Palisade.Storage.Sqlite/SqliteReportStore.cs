using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Storage;
using SQLitePCL;

namespace Palisade.Storage.Sqlite;

public sealed class SqliteReportStore(SqliteDatabase database) : IReportStore
{
    public async Task<IReadOnlyList<StoredReport>> InsertAsync(IReadOnlyList<StoredReport> reports, CancellationToken cancellationToken)
    {
        var stored = new StoredReport[reports.Count];
        await database.WriteGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            // One raw prepared statement for the batch, on the transaction's own connection, each value bound by position
            // with its column's type; the row's id is the connection's last insert rowid once the statement is done. Through
            // SqliteCommand every row bound its 15 parameters by name and opened a data reader (RETURNING id): most of the
            // CPU of a 10,000-row upload's insert.
            var db = connection.Handle!;
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(db, InsertSql, out var insert), db);
            using (insert)
            {
                for (var i = 0; i < reports.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var r = reports[i];
                    // A bind that fails (out of memory, a value too big) must not leave the previous row's value in place.
                    Bound(db, Bind(insert, 1, r.Address));
                    Bound(db, raw.sqlite3_bind_int64(insert, 2, r.KeyId));
                    Bound(db, raw.sqlite3_bind_int64(insert, 3, (int)r.Kind));
                    Bound(db, raw.sqlite3_bind_double(insert, 4, r.Trust));
                    Bound(db, Bind(insert, 5, IdListCodec.Encode(r.Categories)));
                    Bound(db, Bind(insert, 6, r.Protocol));
                    Bound(db, Bind(insert, 7, r.Port));
                    Bound(db, Bind(insert, 8, r.Username));
                    Bound(db, Bind(insert, 9, r.Comment));
                    Bound(db, raw.sqlite3_bind_int64(insert, 10, r.ReportedAt.ToUnixTimeMilliseconds()));
                    Bound(db, raw.sqlite3_bind_int64(insert, 11, r.ReceivedAt.ToUnixTimeMilliseconds()));
                    Bound(db, raw.sqlite3_bind_int64(insert, 12, (int)r.Source));
                    Bound(db, Bind(insert, 13, r.Dialect));
                    Bound(db, Bind(insert, 14, r.DialectCategories is null ? null : IdListCodec.Encode(r.DialectCategories)));
                    Bound(db, Bind(insert, 15, r.Email));
                    var step = raw.sqlite3_step(insert);
                    if (step != raw.SQLITE_DONE)
                    {
                        // A failed row (full disk, a constraint): the transaction is rolled back when it is disposed.
                        SqliteException.ThrowExceptionForRC(step, db);
                        throw new SqliteException($"Inserting a report returned SQLite code {step}.", step);
                    }

                    raw.sqlite3_reset(insert);
                    stored[i] = r with { Id = raw.sqlite3_last_insert_rowid(db) };
                }
            }

            await transaction.CommitAsync(cancellationToken);
            database.NoteWrite();
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException($"Reports could not be stored: {ex.Message}", ex);
        }
        finally
        {
            database.WriteGate.Release();
        }

        return stored;
    }

    private const string InsertSql =
        """
        INSERT INTO reports (address, key_id, kind, trust, categories, protocol, port, username, comment, reported_at, received_at, source, dialect, dialect_categories, email)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
        """;

    private static void Bound(sqlite3 db, int rc) => SqliteBinding.Bound(db, rc, "a report's value");

    private static int Bind(sqlite3_stmt statement, int index, string? value) => SqliteBinding.Bind(statement, index, value);

    private static int Bind(sqlite3_stmt statement, int index, long? value) => SqliteBinding.Bind(statement, index, value);

    public async IAsyncEnumerable<StoredReport> LoadSinceAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {ReportRows.IndexColumns} FROM reports WHERE reported_at >= $since ORDER BY id";
        query.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        await foreach (var report in ReportRows.StreamAsync(query, cancellationToken))
        {
            yield return report;
        }
    }

    public async IAsyncEnumerable<StoredReport> LoadForReplayAsync(long afterId, DateTimeOffset receivedSince, DateTimeOffset reportedSince,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Two ranges, each read on its own index: the few reports received lately with an id up to afterId (by
        // received_at), then every report after afterId (by rowid). One query with OR or UNION ... ORDER BY id makes
        // SQLite read the whole table in rowid order.
        await using var connection = await database.OpenAsync(cancellationToken);
        using var late = connection.CreateCommand();
        late.CommandText = $"SELECT {ReportRows.IndexColumns} FROM reports INDEXED BY reports_by_received WHERE received_at >= $received AND id <= $after AND reported_at >= $since";
        late.Parameters.AddWithValue("$received", receivedSince.ToUnixTimeMilliseconds());
        late.Parameters.AddWithValue("$after", afterId);
        late.Parameters.AddWithValue("$since", reportedSince.ToUnixTimeMilliseconds());
        foreach (var report in (await ReportRows.ReadAllAsync(late, cancellationToken)).OrderBy(r => r.Id))
        {
            yield return report;
        }

        using var after = connection.CreateCommand();
        after.CommandText = $"SELECT {ReportRows.IndexColumns} FROM reports WHERE id > $after AND +reported_at >= $since ORDER BY id";
        after.Parameters.AddWithValue("$after", afterId);
        after.Parameters.AddWithValue("$since", reportedSince.ToUnixTimeMilliseconds());
        await foreach (var report in ReportRows.StreamAsync(after, cancellationToken))
        {
            yield return report;
        }
    }

    public async Task<IReadOnlyList<string>> LoadClearedAddressesAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReportQueries.ClearedAddressesAsync(connection, since, cancellationToken);
    }

    public async Task<long> CountRetainedAsync(DateTimeOffset reportedSince, long throughId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReportQueries.CountRetainedAsync(connection, reportedSince, throughId, cancellationToken);
    }

    /// <summary>Every report with an id above <paramref name="afterId"/>, in id order (for migration).</summary>
    public async IAsyncEnumerable<StoredReport> LoadAfterIdAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {ReportRows.Columns} FROM reports WHERE id > $after ORDER BY id";
        query.Parameters.AddWithValue("$after", afterId);
        await foreach (var report in ReportRows.StreamAsync(query, cancellationToken))
        {
            yield return report;
        }
    }

    public async Task<IReadOnlyList<StoredReport>> LoadByAddressAsync(string address, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {ReportRows.IndexColumns} FROM reports WHERE address = $address ORDER BY id";
        query.Parameters.AddWithValue("$address", address);
        return await ReportRows.ReadAllAsync(query, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredReport>> LoadLatestAsync(string address, DateTimeOffset since, int skip, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {ReportRows.Columns} FROM reports WHERE address = $address AND reported_at >= $since ORDER BY reported_at DESC, id DESC LIMIT $limit OFFSET $skip";
        query.Parameters.AddWithValue("$address", address);
        query.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        query.Parameters.AddWithValue("$limit", limit);
        query.Parameters.AddWithValue("$skip", skip);
        return await ReportRows.ReadAllAsync(query, cancellationToken);
    }

    public async Task<int> CountByAddressAsync(string address, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReportQueries.CountByAddressAsync(connection, address, since, cancellationToken);
    }

    public async Task<bool> HasReportByKeyAsync(string address, long keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReportQueries.HasReportByKeyAsync(connection, address, keyId, cancellationToken);
    }

    public async Task<int> ClearAsync(AddressClearance clearance, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = "DELETE FROM reports WHERE address = $address AND key_id = $key";
        delete.Parameters.AddWithValue("$address", clearance.Address);
        delete.Parameters.AddWithValue("$key", clearance.KeyId);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        if (deleted == 0)
        {
            // Nothing withdrawn, nothing to audit: a loop of empty withdrawals must not grow the table (issue #11).
            return 0;
        }

        using var audit = connection.CreateCommand();
        audit.Transaction = transaction;
        audit.CommandText = "INSERT INTO address_audit (address, key_id, action, reason, reports, created_at) VALUES ($address, $key, $action, $reason, $reports, $at)";
        audit.Parameters.AddWithValue("$address", clearance.Address);
        audit.Parameters.AddWithValue("$key", clearance.KeyId);
        audit.Parameters.AddWithValue("$action", clearance.Action);
        audit.Parameters.AddWithValue("$reason", (object?)clearance.Reason ?? DBNull.Value);
        audit.Parameters.AddWithValue("$reports", deleted);
        audit.Parameters.AddWithValue("$at", clearance.At.ToUnixTimeMilliseconds());
        await audit.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT count(*) FROM reports";
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<long> IdBeforeReceivedAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReportQueries.IdBeforeReceivedAsync(connection, since, cancellationToken);
    }

    public async Task<IReadOnlyList<ReportLocator>> ListAfterAsync(long afterId, IReadOnlyCollection<long> ids, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT id, address FROM reports WHERE id > $after OR id IN (SELECT value FROM json_each($ids)) ORDER BY id LIMIT $limit";
        query.Parameters.AddWithValue("$after", afterId);
        query.Parameters.AddWithValue("$ids", "[" + string.Join(',', ids) + "]");
        query.Parameters.AddWithValue("$limit", limit);
        return await ReportRows.ReadLocatorsAsync(query, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredReport>> LoadByIdsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {ReportRows.Columns} FROM reports WHERE id IN (SELECT value FROM json_each($ids)) ORDER BY id";
        query.Parameters.AddWithValue("$ids", "[" + string.Join(',', ids) + "]");
        return await ReportRows.ReadAllAsync(query, cancellationToken);
    }

    public async Task<(int Reports, int Addresses)> PurgeAsync(DateTimeOffset reportsBefore, DateTimeOffset addressesInactiveBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using var inactive = connection.CreateCommand();
        inactive.Transaction = transaction;
        inactive.CommandText =
            """
            CREATE TEMP TABLE IF NOT EXISTS purge_addresses (address TEXT PRIMARY KEY);
            DELETE FROM purge_addresses;
            INSERT INTO purge_addresses SELECT address FROM reports GROUP BY address HAVING max(reported_at) < $inactive;
            """;
        inactive.Parameters.AddWithValue("$inactive", addressesInactiveBefore.ToUnixTimeMilliseconds());
        await inactive.ExecuteNonQueryAsync(cancellationToken);
        using var count = connection.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT count(*) FROM purge_addresses";
        var addresses = (int)(long)(await count.ExecuteScalarAsync(cancellationToken))!;
        using var dropInactive = connection.CreateCommand();
        dropInactive.Transaction = transaction;
        dropInactive.CommandText = "DELETE FROM reports WHERE address IN (SELECT address FROM purge_addresses)";
        var reports = await dropInactive.ExecuteNonQueryAsync(cancellationToken);
        using var old = connection.CreateCommand();
        old.Transaction = transaction;
        old.CommandText = "DELETE FROM reports WHERE reported_at < $before";
        old.Parameters.AddWithValue("$before", reportsBefore.ToUnixTimeMilliseconds());
        reports += await old.ExecuteNonQueryAsync(cancellationToken);
        using var audit = connection.CreateCommand();
        audit.Transaction = transaction;
        audit.CommandText = "DELETE FROM address_audit WHERE created_at < $before";
        audit.Parameters.AddWithValue("$before", reportsBefore.ToUnixTimeMilliseconds());
        await audit.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (reports, addresses);
    }

    public async Task<IReadOnlyDictionary<long, long>> CountByKeyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = "SELECT key_id, count(*) FROM reports GROUP BY key_id";
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<long, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return counts;
    }
}
