using System.Security.Cryptography;
using System.Text;
using Dapper;
using Palisade.Core.Stix;

namespace Palisade.Storage.Sqlite;

/// <summary>
/// The TAXII version log in SQLite (tables taxii_versions, taxii_heads, taxii_settings). The SQL is kept portable
/// (no SQLite-only syntax) so a PostgreSQL store can share it.
/// </summary>
public sealed class SqliteTaxiiStore : ITaxiiStore, IDisposable
{
    private const string CursorKeyName = "cursor_key";

    private readonly SqliteDatabase _database;
    private readonly SemaphoreSlim _migration = new(1, 1);
    private bool _ready;

    /// <param name="database">The database.</param>
    /// <param name="migrate">Apply migrations on first use: for a database the engine itself does not open and migrate.</param>
    public SqliteTaxiiStore(SqliteDatabase database, bool migrate = false)
    {
        _database = database;
        _ready = !migrate;
    }

    private sealed record VersionRow(long date_added, string object_id, string object_type, long modified, long is_first, string body);

    private sealed record HeadRow(string address, string object_id, long generation, long created, long modified, long valid_from,
        long valid_until, long band, long confidence, string labels, string techniques, long revoked, long in_high);

    public async Task<byte[]> GetOrCreateCursorKeyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Two nodes starting together both try to insert; whichever commits first wins and both read the winner.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO taxii_settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING",
            new { name = CursorKeyName, value = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) }, cancellationToken: cancellationToken));
        var value = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT value FROM taxii_settings WHERE name = @name", new { name = CursorKeyName }, cancellationToken: cancellationToken));
        return Convert.FromHexString(value);
    }

    public async Task<IReadOnlyList<IndicatorHead>> LoadHeadsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<HeadRow>(new CommandDefinition(
            """
            SELECT address, object_id, generation, created, modified, valid_from, valid_until, band, confidence, labels, techniques, revoked, in_high
            FROM taxii_heads
            """, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new IndicatorHead(r.address, r.object_id, (int)r.generation, r.created, r.modified, r.valid_from, r.valid_until,
            (int)r.band, (int)r.confidence, r.labels, r.techniques, r.revoked != 0, r.in_high != 0))];
    }

    public async Task<long> LastDateAddedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT max(date_added) FROM taxii_versions", cancellationToken: cancellationToken)) ?? 0;
    }

    public async Task AppendAsync(IReadOnlyList<StixVersion> versions, IReadOnlyList<IndicatorHead> heads, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var version in versions)
        {
            var row = new
            {
                collection = (int)version.Collection,
                date_added = version.DateAdded,
                object_id = version.ObjectId,
                object_type = version.ObjectType,
                modified = version.Modified,
                is_first = version.IsFirst ? 1 : 0,
                body = version.Body,
            };
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE taxii_versions SET is_last = 0 WHERE collection = @collection AND object_id = @object_id AND is_last = 1",
                row, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO taxii_versions (collection, date_added, object_id, object_type, modified, is_first, is_last, body)
                VALUES (@collection, @date_added, @object_id, @object_type, @modified, @is_first, 1, @body)
                """, row, transaction, cancellationToken: cancellationToken));
        }

        if (heads.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO taxii_heads (address, object_id, generation, created, modified, valid_from, valid_until, band, confidence, labels, techniques, revoked, in_high)
                VALUES (@Address, @ObjectId, @Generation, @Created, @Modified, @ValidFrom, @ValidUntil, @Band, @Confidence, @Labels, @Techniques, @RevokedFlag, @InHighFlag)
                ON CONFLICT (address) DO UPDATE SET
                    object_id = excluded.object_id, generation = excluded.generation, created = excluded.created, modified = excluded.modified,
                    valid_from = excluded.valid_from, valid_until = excluded.valid_until, band = excluded.band, confidence = excluded.confidence,
                    labels = excluded.labels, techniques = excluded.techniques, revoked = excluded.revoked, in_high = excluded.in_high
                """,
                heads.Select(h => new
                {
                    h.Address,
                    h.ObjectId,
                    h.Generation,
                    h.Created,
                    h.Modified,
                    h.ValidFrom,
                    h.ValidUntil,
                    h.Band,
                    h.Confidence,
                    h.Labels,
                    h.Techniques,
                    RevokedFlag = h.Revoked ? 1 : 0,
                    InHighFlag = h.InHighConfidence ? 1 : 0,
                }),
                transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StixVersion>> QueryAsync(StixVersionQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            "SELECT date_added, object_id, object_type, modified, is_first, body FROM taxii_versions WHERE collection = @collection");
        var parameters = new DynamicParameters();
        parameters.Add("collection", (int)query.Collection);
        if (query.AddedAfter is { } after)
        {
            sql.Append(" AND date_added > @after");
            parameters.Add("after", after);
        }

        if (query.Ids is { } ids)
        {
            sql.Append(" AND object_id IN @ids");
            parameters.Add("ids", ids);
        }

        if (query.Types is { } types)
        {
            sql.Append(" AND object_type IN @types");
            parameters.Add("types", types);
        }

        var versions = query.Versions;
        if (!versions.All)
        {
            var alternatives = new List<string>();
            if (versions.Last)
            {
                alternatives.Add("is_last = 1");
            }

            if (versions.First)
            {
                alternatives.Add("is_first = 1");
            }

            if (versions.Modified.Count > 0)
            {
                alternatives.Add("modified IN @modified");
                parameters.Add("modified", versions.Modified);
            }

            sql.Append(" AND (").AppendJoin(" OR ", alternatives).Append(')');
        }

        sql.Append(" ORDER BY date_added LIMIT @limit OFFSET @offset");
        parameters.Add("limit", query.Limit);
        parameters.Add("offset", query.Offset);

        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StixVersion(query.Collection, r.date_added, r.object_id, r.object_type, r.modified, r.is_first != 0, r.body))];
    }

    /// <summary>One server per SQLite folder: it is always the publisher.</summary>
    public Task<IAsyncDisposable?> TryAcquirePublisherLeaseAsync(CancellationToken cancellationToken)
        => Task.FromResult<IAsyncDisposable?>(SoleLease.Instance);

    public void Dispose() => _migration.Dispose();

    private sealed class SoleLease : IAsyncDisposable
    {
        public static readonly SoleLease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private async Task<Microsoft.Data.Sqlite.SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!Volatile.Read(ref _ready))
        {
            await _migration.WaitAsync(cancellationToken);
            try
            {
                if (!_ready)
                {
                    await _database.MigrateAsync(cancellationToken);
                    Volatile.Write(ref _ready, true);
                }
            }
            finally
            {
                _migration.Release();
            }
        }

        return await _database.OpenAsync(cancellationToken);
    }
}
