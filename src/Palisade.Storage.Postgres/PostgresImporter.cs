using Dapper;
using Npgsql;
using NpgsqlTypes;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reports;
using Palisade.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>
/// Copies a single-node installation into PostgreSQL keeping every id, so it can resume: rows already present
/// (same id) are skipped, and sequences are moved past the imported ids at the end.
/// </summary>
public sealed class PostgresImporter(PostgresDatabase database)
{
    public async Task ImportKeysAsync(IReadOnlyList<ApiKey> keys, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var key in keys)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO api_keys (id, name, tier, hash, prefix, created_at, revoked_at, limits, reporter, reporter_id, self_service, network)
                VALUES (@Id, @Name, @Tier, @Hash, @Prefix, @CreatedAt, @RevokedAt, @Limits, @Reporter, @ReporterId, @SelfService, @Network)
                ON CONFLICT (id) DO UPDATE SET revoked_at = excluded.revoked_at, limits = excluded.limits, tier = excluded.tier,
                    reporter = excluded.reporter, reporter_id = excluded.reporter_id, self_service = excluded.self_service, network = excluded.network
                """,
                new
                {
                    key.Id,
                    key.Name,
                    Tier = key.TierId,
                    key.Hash,
                    key.Prefix,
                    CreatedAt = key.CreatedAt.ToUnixTimeMilliseconds(),
                    RevokedAt = key.RevokedAt?.ToUnixTimeMilliseconds(),
                    Limits = KeyLimitsCodec.Encode(key.LimitOverrides),
                    key.Reporter,
                    key.ReporterId,
                    SelfService = key.SelfService ? 1L : 0L,
                    key.Network,
                },
                cancellationToken: cancellationToken));
        }
    }

    public async Task ImportQuotaAsync(IReadOnlyCollection<QuotaUsage> usages, CancellationToken cancellationToken)
        => await new PostgresQuotaStore(database).SaveAsync(usages, cancellationToken);

    /// <summary>The highest report id already in PostgreSQL: where a resumed migration continues.</summary>
    public async Task<long> MaxReportIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT coalesce(max(id), 0) FROM reports", cancellationToken: cancellationToken));
    }

    /// <summary>Imports one batch with its own ids in one transaction (a batch is all or nothing).</summary>
    public async Task ImportReportsAsync(IReadOnlyList<StoredReport> reports, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var temp = new NpgsqlCommand("CREATE TEMP TABLE import_reports (LIKE reports) ON COMMIT DROP", connection, transaction))
        {
            await temp.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync($"COPY import_reports ({ReportRows.Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var report in reports)
            {
                await PostgresReportStore.WriteRowAsync(copy, report, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var insert = new NpgsqlCommand("INSERT INTO reports SELECT * FROM import_reports ON CONFLICT (id) DO NOTHING", connection, transaction))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Moves the id sequences past everything imported, so new rows never collide.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            SELECT setval('reports_id_seq', greatest((SELECT coalesce(max(id), 0) FROM reports), 1));
            SELECT setval(pg_get_serial_sequence('api_keys', 'id'), greatest((SELECT coalesce(max(id), 0) FROM api_keys), 1));
            UPDATE change_signal SET generation = generation + 1 WHERE id = 1;
            """,
            cancellationToken: cancellationToken));
    }
}
