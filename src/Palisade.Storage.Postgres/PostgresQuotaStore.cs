using Dapper;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;

namespace Palisade.Storage.Postgres;

/// <summary>Durable copy of quota counters (the live counters are in Redis; this survives a Redis restart).</summary>
public sealed class PostgresQuotaStore(PostgresDatabase database) : IQuotaStore
{
    private sealed record Row(long key_id, int family, int day, long used);

    public async Task<IReadOnlyList<QuotaUsage>> LoadAsync(int day, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT key_id, family, day, used FROM quota_usage WHERE day >= @day", new { day }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new QuotaUsage(r.key_id, (QuotaFamily)r.family, r.day, r.used))];
    }

    public async Task SaveAsync(IReadOnlyCollection<QuotaUsage> usages, CancellationToken cancellationToken)
    {
        if (usages.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        // One statement for the whole batch; GREATEST never hands quota back if another node wrote a larger count.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO quota_usage (key_id, family, day, used)
            SELECT * FROM unnest(@keys::bigint[], @families::integer[], @days::integer[], @used::bigint[])
            ON CONFLICT (key_id, family, day) DO UPDATE SET used = GREATEST(quota_usage.used, excluded.used)
            """,
            new
            {
                keys = usages.Select(u => u.KeyId).ToArray(),
                families = usages.Select(u => (int)u.Family).ToArray(),
                days = usages.Select(u => u.Day).ToArray(),
                used = usages.Select(u => u.Used).ToArray(),
            },
            cancellationToken: cancellationToken));
    }
}
