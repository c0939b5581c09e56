using Dapper;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;

namespace Palisade.Storage.Sqlite;

public sealed class SqliteQuotaStore(SqliteDatabase database) : IQuotaStore
{
    private sealed record Row(long key_id, long family, long day, long used);

    public async Task<IReadOnlyList<QuotaUsage>> LoadAsync(int day, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT key_id, family, day, used FROM quota_usage WHERE day >= @day", new { day }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new QuotaUsage(r.key_id, (QuotaFamily)r.family, (int)r.day, r.used))];
    }

    public async Task SaveAsync(IReadOnlyCollection<QuotaUsage> usages, CancellationToken cancellationToken)
    {
        if (usages.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // MAX keeps the larger count if another process (a restarted node) wrote meanwhile: never hand back quota.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO quota_usage (key_id, family, day, used) VALUES (@KeyId, @Family, @Day, @Used)
            ON CONFLICT (key_id, family, day) DO UPDATE SET used = max(used, excluded.used)
            """,
            usages.Select(u => new { u.KeyId, Family = (int)u.Family, u.Day, u.Used }),
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
