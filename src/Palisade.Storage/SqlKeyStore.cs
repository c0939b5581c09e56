using Dapper;
using Palisade.Core.Keys;
using Palisade.Core.Storage;

namespace Palisade.Storage;

/// <summary>API keys (hashes only) in table api_keys; the same SQL runs on SQLite and PostgreSQL.</summary>
public sealed class SqlKeyStore(IConnectionFactory database) : IKeyStore
{
    private sealed record Row(long id, string name, string tier, byte[] hash, string prefix, long created_at, long? revoked_at, string? limits);

    private const string Columns = "id, name, tier, hash, prefix, created_at, revoked_at, limits";

    public async Task<ApiKey> CreateAsync(ApiKey key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO api_keys (name, tier, hash, prefix, created_at, revoked_at, limits)
            VALUES (@Name, @Tier, @Hash, @Prefix, @CreatedAt, NULL, @Limits)
            RETURNING id
            """,
            new { key.Name, Tier = key.TierId, key.Hash, key.Prefix, CreatedAt = key.CreatedAt.ToUnixTimeMilliseconds(), Limits = KeyLimitsCodec.Encode(key.LimitOverrides) },
            cancellationToken: cancellationToken));
        return key with { Id = id };
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

    private static ApiKey Map(Row row) => new(row.id, row.name, row.tier, row.hash, row.prefix, DateTimeOffset.FromUnixTimeMilliseconds(row.created_at),
        row.revoked_at is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null, KeyLimitsCodec.Decode(row.limits));
}
