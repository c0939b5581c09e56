using System.Data.Common;
using System.Globalization;
using Dapper;
using Palisade.Core.Alerts;

namespace Palisade.Storage;

/// <summary>
/// Alerts (table alerts), matches waiting for a digest (alert_events) and the delivery outbox (alert_deliveries); the
/// same SQL runs on SQLite and PostgreSQL. Times are Unix milliseconds, flags 0/1, category lists "1,4,18".
/// </summary>
public sealed class SqlAlertStore(IConnectionFactory database) : IAlertStore
{
    private sealed record AlertRow(long id, long key_id, long kind, string target, string? label, long enabled, long min_score, string categories,
        string? notify_email, string? webhook_url, string? webhook_secret, long cooldown_ms, long created_at, long? last_alerted_at, long total_alerts,
        long match_count);

    private sealed record EventRow(long id, long alert_id, long report_id, string address, string categories, long score, string? username, long reported_at);

    private sealed record DeliveryRow(long id, long alert_id, long key_id, long channel, string destination, string payload, long created_at, long attempts,
        long next_attempt_at, long status, long? sent_at, string? last_error);

    private const string AlertColumns = "id, key_id, kind, target, label, enabled, min_score, categories, notify_email, webhook_url, webhook_secret, "
        + "cooldown_ms, created_at, last_alerted_at, total_alerts, match_count";

    private const string DeliveryColumns = "id, alert_id, key_id, channel, destination, payload, created_at, attempts, next_attempt_at, status, sent_at, last_error";

    public async Task<IReadOnlyList<Alert>> ListEnabledAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            $"SELECT {AlertColumns} FROM alerts WHERE enabled = 1", cancellationToken: cancellationToken));
        return [.. rows.Select(Map)];
    }

    public async Task<IReadOnlyList<Alert>> ListByKeyAsync(long keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            $"SELECT {AlertColumns} FROM alerts WHERE key_id = @keyId ORDER BY id", new { keyId }, cancellationToken: cancellationToken));
        return [.. rows.Select(Map)];
    }

    public async Task<Alert?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition(
            $"SELECT {AlertColumns} FROM alerts WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row is null ? null : Map(row);
    }

    public async Task<IReadOnlyDictionary<AlertTargetKind, int>> CountByKindAsync(long keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Kind, long Count)>(new CommandDefinition(
            "SELECT kind, count(*) FROM alerts WHERE key_id = @keyId GROUP BY kind", new { keyId }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => (AlertTargetKind)r.Kind, r => (int)r.Count);
    }

    public async Task<Alert> CreateAsync(Alert alert, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            """
            INSERT INTO alerts (key_id, kind, target, label, enabled, min_score, categories, notify_email, webhook_url, webhook_secret, cooldown_ms,
                                created_at, updated_at, last_alerted_at, total_alerts, match_count)
            VALUES (@KeyId, @Kind, @Target, @Label, @Enabled, @MinScore, @Categories, @NotifyEmail, @WebhookUrl, @WebhookSecret, @CooldownMs,
                    @CreatedAt, @CreatedAt, NULL, 0, 0)
            RETURNING id
            """,
            new
            {
                alert.KeyId,
                Kind = (long)alert.Kind,
                alert.Target,
                alert.Label,
                Enabled = alert.Enabled ? 1L : 0L,
                MinScore = (long)alert.Preferences.MinScore,
                Categories = JoinIds(alert.Preferences.Categories),
                alert.Preferences.NotifyEmail,
                alert.Preferences.WebhookUrl,
                alert.WebhookSecret,
                CooldownMs = (long)alert.Preferences.Cooldown.TotalMilliseconds,
                CreatedAt = alert.CreatedAt.ToUnixTimeMilliseconds(),
            },
            cancellationToken: cancellationToken));
        return alert with { Id = id };
    }

    public async Task<bool> UpdateAsync(Alert alert, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE alerts SET label = @Label, enabled = @Enabled, min_score = @MinScore, categories = @Categories, notify_email = @NotifyEmail,
                              webhook_url = @WebhookUrl, webhook_secret = @WebhookSecret, cooldown_ms = @CooldownMs, updated_at = @UpdatedAt
            WHERE id = @Id AND key_id = @KeyId
            """,
            new
            {
                alert.Id,
                alert.KeyId,
                alert.Label,
                Enabled = alert.Enabled ? 1L : 0L,
                MinScore = (long)alert.Preferences.MinScore,
                Categories = JoinIds(alert.Preferences.Categories),
                alert.Preferences.NotifyEmail,
                alert.Preferences.WebhookUrl,
                alert.WebhookSecret,
                CooldownMs = (long)alert.Preferences.Cooldown.TotalMilliseconds,
                UpdatedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            },
            cancellationToken: cancellationToken)) > 0;
    }

    public async Task<bool> DeleteAsync(long keyId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM alerts WHERE id = @id AND key_id = @keyId", new { id, keyId }, transaction, cancellationToken: cancellationToken));
        if (deleted > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM alert_events WHERE alert_id = @id; DELETE FROM alert_deliveries WHERE alert_id = @id AND status = 0",
                new { id }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return deleted > 0;
    }

    public async Task RecordEventsAsync(IReadOnlyList<AlertEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO alert_events (alert_id, report_id, address, categories, score, username, reported_at, created_at)
            VALUES (@AlertId, @ReportId, @Address, @Categories, @Score, @Username, @ReportedAt, @CreatedAt)
            """,
            events.Select(e => new
            {
                e.AlertId,
                e.ReportId,
                e.Address,
                Categories = JoinIds(e.Categories),
                Score = (long)e.Score,
                e.Username,
                ReportedAt = e.ReportedAt.ToUnixTimeMilliseconds(),
                CreatedAt = now.ToUnixTimeMilliseconds(),
            }),
            transaction, cancellationToken: cancellationToken));
        foreach (var group in events.GroupBy(e => e.AlertId))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE alerts SET match_count = match_count + @count WHERE id = @id", new { id = group.Key, count = (long)group.Count() },
                transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<Alert>> ListDigestsDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<AlertRow>(new CommandDefinition(
            $"""
            SELECT {AlertColumns} FROM alerts a
            WHERE (a.last_alerted_at IS NULL OR a.last_alerted_at + a.cooldown_ms <= @now)
              AND EXISTS (SELECT 1 FROM alert_events e WHERE e.alert_id = a.id)
            ORDER BY a.id
            LIMIT @limit
            """,
            new { now = now.ToUnixTimeMilliseconds(), limit = (long)limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(Map)];
    }

    public async Task<IReadOnlyList<AlertEvent>> PendingEventsAsync(long alertId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EventRow>(new CommandDefinition(
            """
            SELECT id, alert_id, report_id, address, categories, score, username, reported_at FROM alert_events
            WHERE alert_id = @alertId ORDER BY id LIMIT @limit
            """,
            new { alertId, limit = (long)limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new AlertEvent(r.id, r.alert_id, r.report_id, r.address, SplitIds(r.categories), (int)r.score, r.username,
            DateTimeOffset.FromUnixTimeMilliseconds(r.reported_at)))];
    }

    public async Task<long> CountPendingEventsAsync(long alertId, long upToEventId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM alert_events WHERE alert_id = @alertId AND id <= @upToEventId", new { alertId, upToEventId },
            cancellationToken: cancellationToken));
    }

    public async Task<bool> CommitDigestAsync(Alert alert, long lastEventId, IReadOnlyList<AlertDelivery> deliveries, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The guard on last_alerted_at makes the digest once-only when several nodes look at the same alert.
        var stamped = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE alerts SET last_alerted_at = @now, total_alerts = total_alerts + 1
            WHERE id = @id AND (last_alerted_at = @previous OR (last_alerted_at IS NULL AND @previous IS NULL))
            """,
            new { id = alert.Id, now = now.ToUnixTimeMilliseconds(), previous = alert.LastAlertedAt?.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        if (stamped == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM alert_events WHERE alert_id = @id AND id <= @lastEventId", new { id = alert.Id, lastEventId },
            transaction, cancellationToken: cancellationToken));
        await InsertDeliveriesAsync(connection, transaction, deliveries, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<AlertDelivery>> ClaimDueDeliveriesAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var nowMs = now.ToUnixTimeMilliseconds();
        var candidates = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
            $"""
            SELECT {DeliveryColumns} FROM alert_deliveries
            WHERE status = 0 AND next_attempt_at <= @now AND locked_until <= @now
            ORDER BY next_attempt_at, id
            LIMIT @limit
            """,
            new { now = nowMs, limit = (long)limit }, cancellationToken: cancellationToken));
        var claimed = new List<AlertDelivery>();
        foreach (var row in candidates)
        {
            // Compare-and-set per row: only one node wins a delivery's lease.
            var won = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE alert_deliveries SET locked_until = @until WHERE id = @id AND status = 0 AND locked_until <= @now",
                new { id = row.id, now = nowMs, until = (now + lease).ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
            if (won > 0)
            {
                claimed.Add(Map(row));
            }
        }

        return claimed;
    }

    public async Task CompleteDeliveryAsync(long id, AlertDeliveryStatus status, int attempts, DateTimeOffset nextAttemptAt, DateTimeOffset? sentAt,
        string? error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE alert_deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next, sent_at = @sentAt, last_error = @error,
                                        locked_until = 0
            WHERE id = @id
            """,
            new
            {
                id,
                status = (long)status,
                attempts = (long)attempts,
                next = nextAttemptAt.ToUnixTimeMilliseconds(),
                sentAt = sentAt?.ToUnixTimeMilliseconds(),
                error = error is { Length: > 500 } ? error[..500] : error,
            },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AlertDelivery>> ListDeliveriesAsync(long alertId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeliveryRow>(new CommandDefinition(
            $"SELECT {DeliveryColumns} FROM alert_deliveries WHERE alert_id = @alertId ORDER BY id DESC LIMIT @limit",
            new { alertId, limit = (long)limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(Map)];
    }

    public async Task<int> PruneDeliveriesAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM alert_deliveries WHERE status <> 0 AND created_at < @before", new { before = before.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    private static async Task InsertDeliveriesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AlertDelivery> deliveries,
        CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0)
        {
            return;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO alert_deliveries (alert_id, key_id, channel, destination, payload, created_at, attempts, next_attempt_at, status, sent_at,
                                          last_error, locked_until)
            VALUES (@AlertId, @KeyId, @Channel, @Destination, @Payload, @CreatedAt, 0, @NextAttemptAt, 0, NULL, NULL, 0)
            """,
            deliveries.Select(d => new
            {
                d.AlertId,
                d.KeyId,
                Channel = (long)d.Channel,
                d.Destination,
                d.Payload,
                CreatedAt = d.CreatedAt.ToUnixTimeMilliseconds(),
                NextAttemptAt = d.NextAttemptAt.ToUnixTimeMilliseconds(),
            }),
            transaction, cancellationToken: cancellationToken));
    }

    private static Alert Map(AlertRow row) => new(row.id, row.key_id, (AlertTargetKind)row.kind, row.target, row.label, row.enabled != 0,
        new AlertPreferences((int)row.min_score, SplitIds(row.categories), row.notify_email, row.webhook_url, TimeSpan.FromMilliseconds(row.cooldown_ms)),
        row.webhook_secret, DateTimeOffset.FromUnixTimeMilliseconds(row.created_at),
        row.last_alerted_at is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null, row.total_alerts, row.match_count);

    private static AlertDelivery Map(DeliveryRow row) => new(row.id, row.alert_id, row.key_id, (AlertChannel)row.channel, row.destination, row.payload,
        DateTimeOffset.FromUnixTimeMilliseconds(row.created_at), (int)row.attempts, DateTimeOffset.FromUnixTimeMilliseconds(row.next_attempt_at),
        (AlertDeliveryStatus)row.status, row.sent_at is { } sent ? DateTimeOffset.FromUnixTimeMilliseconds(sent) : null, row.last_error);

    private static string JoinIds(IReadOnlyList<int> ids) => string.Join(',', ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    private static int[] SplitIds(string text) => text.Length == 0
        ? []
        : [.. text.Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture))];
}
