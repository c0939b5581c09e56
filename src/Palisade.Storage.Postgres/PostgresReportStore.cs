using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Palisade.Core.Reports;
using Palisade.Core.Scoring;
using Palisade.Core.Storage;
using Palisade.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Reports in PostgreSQL. Inserts take their ids from the sequence first and then stream the rows with binary COPY,
/// all in one transaction: fast for bulk uploads, and the ids are known without relying on RETURNING order.
/// </summary>
public sealed class PostgresReportStore(PostgresDatabase database) : IReportStore
{
    public async Task<IReadOnlyList<StoredReport>> InsertAsync(IReadOnlyList<StoredReport> reports, CancellationToken cancellationToken)
    {
        var stored = new StoredReport[reports.Count];
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var ids = new NpgsqlCommand("SELECT nextval('reports_id_seq') FROM generate_series(1, @n)", connection, transaction))
            {
                ids.Parameters.AddWithValue("n", reports.Count);
                await using var reader = await ids.ExecuteReaderAsync(cancellationToken);
                for (var i = 0; await reader.ReadAsync(cancellationToken); i++)
                {
                    stored[i] = reports[i] with { Id = reader.GetInt64(0) };
                }
            }

            await using (var copy = await connection.BeginBinaryImportAsync($"COPY reports ({ReportRows.Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var r in stored)
                {
                    await WriteRowAsync(copy, r, cancellationToken);
                }

                await copy.CompleteAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException && ex is not StoreUnavailableException)
        {
            throw new StoreUnavailableException($"Reports could not be stored in PostgreSQL: {ex.Message}", ex);
        }

        return stored;
    }

    public async IAsyncEnumerable<StoredReport> LoadSinceAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand($"SELECT {ReportRows.IndexColumns} FROM reports WHERE reported_at >= @since ORDER BY id", connection);
        query.Parameters.AddWithValue("since", since.ToUnixTimeMilliseconds());
        await foreach (var report in ReportRows.StreamAsync(query, cancellationToken))
        {
            yield return report;
        }
    }

    public async IAsyncEnumerable<StoredReport> LoadForReplayAsync(long afterId, DateTimeOffset receivedSince, DateTimeOffset reportedSince,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand(
            $"SELECT {ReportRows.IndexColumns} FROM reports WHERE (id > @after OR received_at >= @received) AND reported_at >= @since ORDER BY id", connection);
        query.Parameters.AddWithValue("after", afterId);
        query.Parameters.AddWithValue("received", receivedSince.ToUnixTimeMilliseconds());
        query.Parameters.AddWithValue("since", reportedSince.ToUnixTimeMilliseconds());
        await foreach (var report in ReportRows.StreamAsync(query, cancellationToken))
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

    public async Task<long> IdBeforeReceivedAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReportQueries.IdBeforeReceivedAsync(connection, since, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredReport>> LoadByAddressAsync(string address, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand($"SELECT {ReportRows.IndexColumns} FROM reports WHERE address = @address ORDER BY id", connection);
        query.Parameters.AddWithValue("address", address);
        return await ReportRows.ReadAllAsync(query, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredReport>> LoadLatestAsync(string address, DateTimeOffset since, int skip, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand(
            $"SELECT {ReportRows.Columns} FROM reports WHERE address = @address AND reported_at >= @since ORDER BY reported_at DESC, id DESC LIMIT @limit OFFSET @skip",
            connection);
        query.Parameters.AddWithValue("address", address);
        query.Parameters.AddWithValue("since", since.ToUnixTimeMilliseconds());
        query.Parameters.AddWithValue("limit", limit);
        query.Parameters.AddWithValue("skip", skip);
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
        await using var command = new NpgsqlCommand(
            """
            WITH deleted AS (DELETE FROM reports WHERE address = @address AND key_id = @key RETURNING 1),
                 audit AS (INSERT INTO address_audit (address, key_id, action, reason, reports, created_at)
                           SELECT @address, @key, @action, @reason, (SELECT count(*) FROM deleted), @at WHERE EXISTS (SELECT 1 FROM deleted))
            SELECT count(*) FROM deleted
            """, connection);
        command.Parameters.AddWithValue("address", clearance.Address);
        command.Parameters.AddWithValue("key", clearance.KeyId);
        command.Parameters.AddWithValue("action", clearance.Action);
        command.Parameters.AddWithValue("reason", (object?)clearance.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue("at", clearance.At.ToUnixTimeMilliseconds());
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<ReportLocator>> ListAfterAsync(long afterId, IReadOnlyCollection<long> ids, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand("SELECT id, address FROM reports WHERE id > @after OR id = ANY(@ids) ORDER BY id LIMIT @limit", connection);
        query.Parameters.AddWithValue("after", afterId);
        query.Parameters.AddWithValue("ids", ids.ToArray());
        query.Parameters.AddWithValue("limit", limit);
        return await ReportRows.ReadLocatorsAsync(query, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredReport>> LoadByIdsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand($"SELECT {ReportRows.Columns} FROM reports WHERE id = ANY(@ids) ORDER BY id", connection);
        query.Parameters.AddWithValue("ids", ids.ToArray());
        return await ReportRows.ReadAllAsync(query, cancellationToken);
    }

    public async Task<(int Reports, int Addresses)> PurgeAsync(DateTimeOffset reportsBefore, DateTimeOffset addressesInactiveBefore, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var inactive = new NpgsqlCommand(
            """
            WITH gone AS (SELECT address FROM reports GROUP BY address HAVING max(reported_at) < @inactive),
                 deleted AS (DELETE FROM reports WHERE address IN (SELECT address FROM gone) RETURNING 1)
            SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM deleted)
            """, connection, transaction);
        inactive.Parameters.AddWithValue("inactive", addressesInactiveBefore.ToUnixTimeMilliseconds());
        int addresses, reports;
        await using (var reader = await inactive.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            addresses = (int)reader.GetInt64(0);
            reports = (int)reader.GetInt64(1);
        }

        await using var old = new NpgsqlCommand("DELETE FROM reports WHERE reported_at < @before", connection, transaction);
        old.Parameters.AddWithValue("before", reportsBefore.ToUnixTimeMilliseconds());
        reports += await old.ExecuteNonQueryAsync(cancellationToken);
        // Audit rows of withdrawals are kept as long as reports (issue #11).
        await using var audit = new NpgsqlCommand("DELETE FROM address_audit WHERE created_at < @before", connection, transaction);
        audit.Parameters.AddWithValue("before", reportsBefore.ToUnixTimeMilliseconds());
        await audit.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (reports, addresses);
    }

    public async Task<IReadOnlyDictionary<long, long>> CountByKeyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand("SELECT key_id, count(*) FROM reports GROUP BY key_id", connection);
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<long, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetInt64(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    internal static async Task WriteRowAsync(NpgsqlBinaryImporter copy, StoredReport r, CancellationToken cancellationToken)
    {
        await copy.StartRowAsync(cancellationToken);
        await copy.WriteAsync(r.Id, NpgsqlDbType.Bigint, cancellationToken);
        await copy.WriteAsync(r.Address, NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(r.KeyId, NpgsqlDbType.Bigint, cancellationToken);
        await copy.WriteAsync((int)r.Kind, NpgsqlDbType.Integer, cancellationToken);
        await copy.WriteAsync(r.Trust, NpgsqlDbType.Double, cancellationToken);
        await copy.WriteAsync(IdListCodec.Encode(r.Categories), NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(copy, r.Protocol, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(copy, r.Port, NpgsqlDbType.Integer, cancellationToken);
        await WriteNullableAsync(copy, r.Username, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(copy, r.Comment, NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(r.ReportedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken);
        await copy.WriteAsync(r.ReceivedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken);
        await copy.WriteAsync((int)r.Source, NpgsqlDbType.Integer, cancellationToken);
        await WriteNullableAsync(copy, r.Dialect, NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(copy, r.DialectCategories is null ? null : IdListCodec.Encode(r.DialectCategories), NpgsqlDbType.Text, cancellationToken);
        await WriteNullableAsync(copy, r.Email, NpgsqlDbType.Text, cancellationToken);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        => value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, type, cancellationToken);
}
