using Dapper;

namespace Palisade.Storage;

/// <summary>
/// Dashboard accounts (table dashboard_users), which API keys each owns (dashboard_user_keys, one owner per key) and
/// operator-issued invitations (dashboard_invites). The same SQL runs on SQLite and PostgreSQL; every limit is one
/// conditional statement, so concurrent requests (on any node) cannot pass it together.
/// </summary>
public sealed class SqlDashboardUserStore(IConnectionFactory database)
{
    private sealed record Row(long id, string email, byte[] password_hash, byte[] password_salt, long iterations, long created_at, string security_stamp,
        long? verified_at, string? signup_network);

    private sealed record InviteRow(string? email, long expires_at);

    private const string Columns = "id, email, password_hash, password_salt, iterations, created_at, security_stamp, verified_at, signup_network";

    /// <summary>
    /// Stores a new account; null when the e-mail address is taken (also under a concurrent sign-up). An unverified
    /// account carries the hash of its verification token until <paramref name="verifyExpiresAt"/>.
    /// </summary>
    public async Task<DashboardUser?> CreateAsync(DashboardUser user, byte[]? verifyHash, DateTimeOffset? verifyExpiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            """
            INSERT INTO dashboard_users (email, password_hash, password_salt, iterations, created_at, security_stamp, verified_at, verify_hash,
                verify_expires_at, signup_network)
            VALUES (@Email, @PasswordHash, @PasswordSalt, @Iterations, @CreatedAt, @SecurityStamp, @VerifiedAt, @VerifyHash, @VerifyExpiresAt, @SignUpNetwork)
            ON CONFLICT (email) DO NOTHING
            RETURNING id
            """,
            new
            {
                user.Email, user.PasswordHash, user.PasswordSalt, Iterations = (long)user.Iterations, CreatedAt = user.CreatedAt.ToUnixTimeMilliseconds(),
                user.SecurityStamp, VerifiedAt = user.VerifiedAt?.ToUnixTimeMilliseconds(), VerifyHash = verifyHash,
                VerifyExpiresAt = verifyExpiresAt?.ToUnixTimeMilliseconds(), user.SignUpNetwork,
            },
            cancellationToken: cancellationToken));
        return id is { } created ? user with { Id = created } : null;
    }

    /// <summary>Removes an account that was never verified and owns nothing (its verification e-mail could not be sent).</summary>
    public async Task DeleteUnverifiedAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dashboard_users WHERE id = @id AND verified_at IS NULL AND key_count = 0", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Marks the account holding this verification token as verified (once, before it expires); its id, or null.</summary>
    public async Task<long?> VerifyAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            """
            UPDATE dashboard_users SET verified_at = @now, verify_hash = NULL, verify_expires_at = NULL
            WHERE verify_hash = @tokenHash AND verify_expires_at > @now
            RETURNING id
            """, new { tokenHash, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
    }

    /// <summary>Replaces the account's security stamp: every session issued before (on any node) stops working.</summary>
    public async Task RotateSecurityStampAsync(long id, string stamp, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_users SET security_stamp = @stamp WHERE id = @id", new { id, stamp }, cancellationToken: cancellationToken));
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

    /// <summary>
    /// Takes one of the account's key slots (active and revoked keys both hold one): false when all
    /// <paramref name="maxKeys"/> are taken. One conditional UPDATE, so concurrent creations cannot exceed the limit.
    /// </summary>
    public async Task<bool> TryReserveKeySlotAsync(long userId, int maxKeys, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_users SET key_count = key_count + 1 WHERE id = @userId AND key_count < @maxKeys AND verified_at IS NOT NULL",
            new { userId, maxKeys = (long)maxKeys }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Gives back a slot whose key was not created.</summary>
    public async Task ReleaseKeySlotAsync(long userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_users SET key_count = key_count - 1 WHERE id = @userId AND key_count > 0", new { userId }, cancellationToken: cancellationToken));
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

    /// <summary>Stores an invitation (only the hash of its token).</summary>
    public async Task CreateInviteAsync(byte[] tokenHash, string? email, DateTimeOffset createdAt, DateTimeOffset expiresAt,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO dashboard_invites (token_hash, email, created_at, expires_at) VALUES (@tokenHash, @email, @createdAt, @expiresAt)",
            new { tokenHash, email, createdAt = createdAt.ToUnixTimeMilliseconds(), expiresAt = expiresAt.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    /// <summary>The unused, unexpired invitation with this token hash, or null.</summary>
    public async Task<DashboardInvite?> FindInviteAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<InviteRow>(new CommandDefinition(
            "SELECT email, expires_at FROM dashboard_invites WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now",
            new { tokenHash, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return row is null ? null : new DashboardInvite(row.email, DateTimeOffset.FromUnixTimeMilliseconds(row.expires_at));
    }

    /// <summary>Uses up the invitation (once: a concurrent second use gets null).</summary>
    public async Task<DashboardInvite?> RedeemInviteAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<InviteRow>(new CommandDefinition(
            """
            UPDATE dashboard_invites SET used_at = @now
            WHERE token_hash = @tokenHash AND used_at IS NULL AND expires_at > @now
            RETURNING email, expires_at
            """, new { tokenHash, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return row is null ? null : new DashboardInvite(row.email, DateTimeOffset.FromUnixTimeMilliseconds(row.expires_at));
    }

    /// <summary>Makes a redeemed invitation usable again (the account it was for could not be created).</summary>
    public async Task ReturnInviteAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE dashboard_invites SET used_at = NULL WHERE token_hash = @tokenHash", new { tokenHash }, cancellationToken: cancellationToken));
    }

    private static DashboardUser Map(Row row) => new(row.id, row.email, row.password_hash, row.password_salt, checked((int)row.iterations),
        DateTimeOffset.FromUnixTimeMilliseconds(row.created_at), row.security_stamp,
        row.verified_at is { } verified ? DateTimeOffset.FromUnixTimeMilliseconds(verified) : null, row.signup_network);
}
