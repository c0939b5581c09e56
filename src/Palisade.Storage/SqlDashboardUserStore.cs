using Dapper;

namespace Palisade.Storage;

/// <summary>
/// Dashboard accounts (table dashboard_users) and which API keys each owns (dashboard_user_keys, one owner per key).
/// The same SQL runs on SQLite and PostgreSQL.
/// </summary>
public sealed class SqlDashboardUserStore(IConnectionFactory database)
{
    private sealed record Row(long id, string email, byte[] password_hash, byte[] password_salt, long iterations, long created_at);

    private const string Columns = "id, email, password_hash, password_salt, iterations, created_at";

    /// <summary>Stores a new account; null when the e-mail address is taken (also under a concurrent sign-up).</summary>
    public async Task<DashboardUser?> CreateAsync(DashboardUser user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            """
            INSERT INTO dashboard_users (email, password_hash, password_salt, iterations, created_at)
            VALUES (@Email, @PasswordHash, @PasswordSalt, @Iterations, @CreatedAt)
            ON CONFLICT (email) DO NOTHING
            RETURNING id
            """,
            new { user.Email, user.PasswordHash, user.PasswordSalt, Iterations = (long)user.Iterations, CreatedAt = user.CreatedAt.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return id is { } created ? user with { Id = created } : null;
    }

    public async Task<DashboardUser?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM dashboard_users WHERE email = @email", new { email }, cancellationToken: cancellationToken));
        return row is null ? null : Map(row);
    }

    public async Task<DashboardUser?> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM dashboard_users WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row is null ? null : Map(row);
    }

    /// <summary>Records that <paramref name="userId"/> owns the key; a key has at most one owner.</summary>
    public async Task LinkKeyAsync(long userId, long keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_user_keys (key_id, user_id) VALUES (@keyId, @userId)", new { keyId, userId }, cancellationToken: cancellationToken));
    }

    /// <summary>The ids of the keys the user owns, oldest first.</summary>
    public async Task<IReadOnlyList<long>> KeyIdsAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT key_id FROM dashboard_user_keys WHERE user_id = @userId ORDER BY key_id", new { userId }, cancellationToken: cancellationToken));
        return [.. ids];
    }

    public async Task<bool> OwnsKeyAsync(long userId, long keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM dashboard_user_keys WHERE user_id = @userId AND key_id = @keyId", new { userId, keyId },
            cancellationToken: cancellationToken)) > 0;
    }

    private static DashboardUser Map(Row row) => new(row.id, row.email, row.password_hash, row.password_salt, checked((int)row.iterations),
        DateTimeOffset.FromUnixTimeMilliseconds(row.created_at));
}
