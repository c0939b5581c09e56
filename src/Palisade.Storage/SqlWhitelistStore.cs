using System.Net;
using Dapper;
using Palisade.Core.Storage;
using Palisade.Core.Whitelisting;

namespace Palisade.Storage;

/// <summary>The operator's whitelist entries in table whitelist; the same SQL runs on SQLite and PostgreSQL.</summary>
public sealed class SqlWhitelistStore(IConnectionFactory database) : IWhitelistStore
{
    private sealed record Row(string network, string name, double multiplier, long? expires_at);

    public async Task<IReadOnlyList<WhitelistEntry>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT network, name, multiplier, expires_at FROM whitelist ORDER BY network", cancellationToken: cancellationToken));
        return [.. rows.Select(r => new WhitelistEntry(IPNetwork.Parse(r.network), r.name, r.multiplier, "operator",
            r.expires_at is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null))];
    }

    public async Task AddAsync(WhitelistEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO whitelist (network, name, multiplier, expires_at, created_at) VALUES (@Network, @Name, @Multiplier, @ExpiresAt, @CreatedAt)
            ON CONFLICT (network) DO UPDATE SET name = excluded.name, multiplier = excluded.multiplier, expires_at = excluded.expires_at
            """,
            new
            {
                Network = entry.Network.ToString(),
                entry.Name,
                entry.Multiplier,
                ExpiresAt = entry.ExpiresAt?.ToUnixTimeMilliseconds(),
                CreatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> RemoveAsync(IPNetwork network, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM whitelist WHERE network = @network", new { network = network.ToString() }, cancellationToken: cancellationToken)) > 0;
    }
}
