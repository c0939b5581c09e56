using System.Security.Cryptography;
using Dapper;
using Palisade.Core.Keys;
using Palisade.Core.Storage;

namespace Palisade.Storage;

/// <summary>API keys (hashes only) in table api_keys, reporter networks in reporter_networks; the same SQL runs on
/// SQLite and PostgreSQL.</summary>
public sealed class SqlKeyStore(IConnectionFactory database) : IKeyStore
{
    private sealed record Row(long id, string name, string tier, byte[] hash, string prefix, long created_at, long? revoked_at, string? limits,
        string? reporter, long reporter_id, long self_service, string? network);

    private sealed record NetworkRow(long reporter_id, string network);

    private const string Columns = "id, name, tier, hash, prefix, created_at, revoked_at, limits, reporter, reporter_id, self_service, network";

    /// <summary>Reporter ids are random below 2^52 (exact in JSON numbers): they say nothing about keys or their order.</summary>
    private static long NewReporterId()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return (BitConverter.ToInt64(bytes) & ((1L << 52) - 1)) | 1L << 51;
    }

    public async Task<ApiKey> CreateAsync(ApiKey key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var reporterId = key.Reporter is { } named
            ? await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT reporter_id FROM api_keys WHERE reporter = @named LIMIT 1", new { named }, cancellationToken: cancellationToken)) ?? NewReporterId()
            : NewReporterId();
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO api_keys (name, tier, hash, prefix, created_at, revoked_at, limits, reporter, reporter_id, self_service, network)
            VALUES (@Name, @Tier, @Hash, @Prefix, @CreatedAt, NULL, @Limits, @Reporter, @ReporterId, @SelfService, @Network)
            RETURNING id
            """,
            new
            {
                key.Name, Tier = key.TierId, key.Hash, key.Prefix, CreatedAt = key.CreatedAt.ToUnixTimeMilliseconds(), Limits = KeyLimitsCodec.Encode(key.LimitOverrides),
                key.Reporter, ReporterId = reporterId, SelfService = key.SelfService ? 1L : 0L, key.Network,
            },
            cancellationToken: cancellationToken));
        var reporter = key.Reporter;
        if (reporter is null)
        {
            reporter = "key-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_keys SET reporter = @reporter WHERE id = @id", new { reporter, id }, cancellationToken: cancellationToken));
        }

        return key with { Id = id, Reporter = reporter, ReporterId = reporterId };
    }

    public async Task<ApiKey?> FindByHashAsync(byte[] hash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM api_keys WHERE hash = @hash", new { hash }, cancellationToken: cancellationToken));
        return row is null ? null : Map(row);
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM api_keys ORDER BY id", cancellationToken: cancellationToken));
        return [.. rows.Select(Map)];
    }

    public async Task<bool> RevokeAsync(long id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL",
            new { id, at = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task<bool> SetReporterAsync(long id, string reporter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reporter);
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var reporterId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT reporter_id FROM api_keys WHERE reporter = @reporter AND id <> @id LIMIT 1", new { reporter, id },
            cancellationToken: cancellationToken)) ?? NewReporterId();
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET reporter = @reporter, reporter_id = @reporterId WHERE id = @id", new { reporter, reporterId, id },
            cancellationToken: cancellationToken)) > 0;
    }

    public async Task<IReadOnlyList<(long ReporterId, string Network)>> LoadReporterNetworksAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<NetworkRow>(new CommandDefinition(
            "SELECT reporter_id, network FROM reporter_networks", cancellationToken: cancellationToken));
        return [.. rows.Select(r => (r.reporter_id, r.network))];
    }

    public async Task AddReporterNetworksAsync(IReadOnlyList<(long ReporterId, string Network)> pairs, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (pairs.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var seen = at.ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO reporter_networks (reporter_id, network, seen_at) VALUES (@ReporterId, @Network, @Seen) ON CONFLICT (reporter_id, network) DO NOTHING",
            pairs.Select(p => new { p.ReporterId, p.Network, Seen = seen }), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private static ApiKey Map(Row row) => new(row.id, row.name, row.tier, row.hash, row.prefix, DateTimeOffset.FromUnixTimeMilliseconds(row.created_at),
        row.revoked_at is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null, KeyLimitsCodec.Decode(row.limits))
    {
        Reporter = row.reporter ?? "key-" + row.id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ReporterId = row.reporter_id,
        SelfService = row.self_service != 0,
        Network = row.network,
    };
}
