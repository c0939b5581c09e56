using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using Palisade.Core.Stix;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The TAXII version log in PostgreSQL, shared by every node. Only one node publishes at a time (it holds a
/// PostgreSQL advisory lock, see <see cref="TryAcquirePublisherLeaseAsync"/>); every node serves pages from here.
/// </summary>
public sealed class PostgresTaxiiStore(PostgresDatabase database) : ITaxiiStore
{
    private const string CursorKeyName = "cursor_key";
    private const long PublisherLock = 0x5041_4c54_4158_4949; // "PALTAXII"

    private sealed record VersionRow(long date_added, string object_id, string object_type, long modified, bool is_first, string body);

    private sealed record HeadRow(string address, string object_id, int generation, long created, long modified, long valid_from,
        long valid_until, int band, int confidence, string labels, string techniques, bool revoked, bool in_high);

    public async Task<byte[]> GetOrCreateCursorKeyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO taxii_settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING",
            new { name = CursorKeyName, value = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) }, cancellationToken: cancellationToken));
        var value = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT value FROM taxii_settings WHERE name = @name", new { name = CursorKeyName }, cancellationToken: cancellationToken));
        return Convert.FromHexString(value);
    }

    public async Task<IReadOnlyList<IndicatorHead>> LoadHeadsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<HeadRow>(new CommandDefinition(
            "SELECT address, object_id, generation, created, modified, valid_from, valid_until, band, confidence, labels, techniques, revoked, in_high FROM taxii_heads",
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new IndicatorHead(r.address, r.object_id, r.generation, r.created, r.modified, r.valid_from, r.valid_until,
            r.band, r.confidence, r.labels, r.techniques, r.revoked, r.in_high))];
    }

    public async Task<long> LastDateAddedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT max(date_added) FROM taxii_versions", cancellationToken: cancellationToken)) ?? 0;
    }

    public async Task AppendAsync(IReadOnlyList<StixVersion> versions, IReadOnlyList<IndicatorHead> heads, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
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
                is_first = version.IsFirst,
                body = version.Body,
            };
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE taxii_versions SET is_last = false WHERE collection = @collection AND object_id = @object_id AND is_last",
                row, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO taxii_versions (collection, date_added, object_id, object_type, modified, is_first, is_last, body)
                VALUES (@collection, @date_added, @object_id, @object_type, @modified, @is_first, true, @body)
                """, row, transaction, cancellationToken: cancellationToken));
        }

        if (heads.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO taxii_heads (address, object_id, generation, created, modified, valid_from, valid_until, band, confidence, labels, techniques, revoked, in_high)
                VALUES (@Address, @ObjectId, @Generation, @Created, @Modified, @ValidFrom, @ValidUntil, @Band, @Confidence, @Labels, @Techniques, @Revoked, @InHighConfidence)
                ON CONFLICT (address) DO UPDATE SET
                    object_id = excluded.object_id, generation = excluded.generation, created = excluded.created, modified = excluded.modified,
                    valid_from = excluded.valid_from, valid_until = excluded.valid_until, band = excluded.band, confidence = excluded.confidence,
                    labels = excluded.labels, techniques = excluded.techniques, revoked = excluded.revoked, in_high = excluded.in_high
                """,
                heads, transaction, cancellationToken: cancellationToken));
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
            sql.Append(" AND object_id = ANY(@ids)");
            parameters.Add("ids", ids.ToArray());
        }

        if (query.Types is { } types)
        {
            sql.Append(" AND object_type = ANY(@types)");
            parameters.Add("types", types.ToArray());
        }

        var versions = query.Versions;
        if (!versions.All)
        {
            var alternatives = new List<string>();
            if (versions.Last)
            {
                alternatives.Add("is_last");
            }

            if (versions.First)
            {
                alternatives.Add("is_first");
            }

            if (versions.Modified.Count > 0)
            {
                alternatives.Add("modified = ANY(@modified)");
                parameters.Add("modified", versions.Modified.ToArray());
            }

            sql.Append(" AND (").AppendJoin(" OR ", alternatives).Append(')');
        }

        sql.Append(" ORDER BY date_added LIMIT @limit OFFSET @offset");
        parameters.Add("limit", query.Limit);
        parameters.Add("offset", query.Offset);

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StixVersion(query.Collection, r.date_added, r.object_id, r.object_type, r.modified, r.is_first, r.body))];
    }

    /// <summary>
    /// Becomes the cluster's TAXII publisher if no other node is: a session-level advisory lock held on a connection
    /// kept open for as long as the returned lease lives. Null when another node publishes. If this node dies, its
    /// connection closes and the lock passes to the next node that asks.
    /// </summary>
    public async Task<IAsyncDisposable?> TryAcquirePublisherLeaseAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@lock)", connection);
            command.Parameters.AddWithValue("lock", PublisherLock);
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!)
            {
                return connection;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }
}
