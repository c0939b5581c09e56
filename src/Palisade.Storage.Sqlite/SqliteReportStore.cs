using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Storage;

namespace Palisade.Storage.Sqlite;

public sealed class SqliteReportStore(SqliteDatabase database) : IReportStore
{
    public async Task<IReadOnlyList<StoredReport>> InsertAsync(IReadOnlyList<StoredReport> reports, CancellationToken cancellationToken)
    {
        var stored = new StoredReport[reports.Count];
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            // One prepared statement for the whole batch, each parameter typed as its column; the new row's id is read
            // from the connection (sqlite3_last_insert_rowid) rather than through a RETURNING result set, which cost a
            // data reader per row.
            insert.CommandText =
                """
                INSERT INTO reports (address, key_id, kind, trust, categories, protocol, port, username, comment, reported_at, received_at, source, dialect, dialect_categories, email)
                VALUES ($address, $key, $kind, $trust, $categories, $protocol, $port, $username, $comment, $reported, $received, $source, $dialect, $dialectCategories, $email)
                """;
            var address = insert.Parameters.Add("$address", SqliteType.Text);
            var key = insert.Parameters.Add("$key", SqliteType.Integer);
            var kind = insert.Parameters.Add("$kind", SqliteType.Integer);
            var trust = insert.Parameters.Add("$trust", SqliteType.Real);
            var categories = insert.Parameters.Add("$categories", SqliteType.Text);
            var protocol = insert.Parameters.Add("$protocol", SqliteType.Text);
            var port = insert.Parameters.Add("$port", SqliteType.Integer);
            var username = insert.Parameters.Add("$username", SqliteType.Text);
            var comment = insert.Parameters.Add("$comment", SqliteType.Text);
            var reported = insert.Parameters.Add("$reported", SqliteType.Integer);
            var received = insert.Parameters.Add("$received", SqliteType.Integer);
            var source = insert.Parameters.Add("$source", SqliteType.Integer);
            var dialect = insert.Parameters.Add("$dialect", SqliteType.Text);
            var dialectCategories = insert.Parameters.Add("$dialectCategories", SqliteType.Text);
            var email = insert.Parameters.Add("$email", SqliteType.Text);
            insert.Prepare();
            for (var i = 0; i < reports.Count; i++)
            {
                var r = reports[i];
                address.Value = r.Address;
                key.Value = r.KeyId;
                kind.Value = (int)r.Kind;
                trust.Value = r.Trust;
                categories.Value = IdListCodec.Encode(r.Categories);
                protocol.Value = (object?)r.Protocol ?? DBNull.Value;
                port.Value = (object?)r.Port ?? DBNull.Value;
                username.Value = (object?)r.Username ?? DBNull.Value;
                comment.Value = (object?)r.Comment ?? DBNull.Value;
                reported.Value = r.ReportedAt.ToUnixTimeMilliseconds();
                received.Value = r.ReceivedAt.ToUnixTimeMilliseconds();
                source.Value = (int)r.Source;
                dialect.Value = (object?)r.Dialect ?? DBNull.Value;
                dialectCategories.Value = r.DialectCategories is null ? DBNull.Value : IdListCodec.Encode(r.DialectCategories);
                email.Value = (object?)r.Email ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken);
                // The statement has finished, on this connection alone (the transaction holds it): its row's id.
                stored[i] = r with { Id = SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle) };
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException($"Reports could not be stored: {ex.Message}", ex);
        }

        return stored;
    }

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
        query.CommandText = $"SELECT {ReportRows.Columns} FROM reports WHERE address = $address ORDER BY id";
        query.Parameters.AddWithValue("$address", address);
        return await ReportRows.ReadAllAsync(query, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredReport>> LoadLatestAsync(string address, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {ReportRows.Columns} FROM reports WHERE address = $address AND reported_at >= $since ORDER BY reported_at DESC, id DESC LIMIT $limit";
        query.Parameters.AddWithValue("$address", address);
        query.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        query.Parameters.AddWithValue("$limit", limit);
        return await ReportRows.ReadAllAsync(query, cancellationToken);
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

    public async Task<IReadOnlyList<StoredReport>> LoadReceivedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        using var query = connection.CreateCommand();
        query.CommandText = $"SELECT {ReportRows.Columns} FROM reports WHERE received_at >= $since ORDER BY id";
        query.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        return await ReportRows.ReadAllAsync(query, cancellationToken);
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
