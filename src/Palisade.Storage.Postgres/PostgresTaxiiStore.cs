using Npgsql;
using Palisade.Core.Stix;
using Palisade.Storage;

namespace Palisade.Storage.Postgres;

/// <summary>
/// The TAXII version log in PostgreSQL (see <see cref="SqlTaxiiLog"/>), shared by every node. Only one node publishes at a time (it holds a
/// PostgreSQL advisory lock, see <see cref="TryAcquirePublisherLeaseAsync"/>); every node serves pages from here.
/// </summary>
public sealed class PostgresTaxiiStore(PostgresDatabase database) : ITaxiiStore
{
    private const long PublisherLock = 0x5041_4c54_4158_4949; // "PALTAXII"

    private readonly SqlTaxiiLog _log = new(async cancellationToken => await database.OpenAsync(cancellationToken), arrayParameters: true,
        async cancellationToken => await PostgresTaxiiLogWriter.BeginAsync(await database.OpenAsync(cancellationToken), cancellationToken));

    public Task<byte[]> GetOrCreateCursorKeyAsync(CancellationToken cancellationToken) => _log.GetOrCreateCursorKeyAsync(cancellationToken);

    public Task LoadHeadsAsync(long after, Action<StoredIndicatorHead> add, CancellationToken cancellationToken) => _log.LoadHeadsAsync(after, add, cancellationToken);

    public Task LoadHeadsAsync(IReadOnlyCollection<string> addresses, Action<StoredIndicatorHead> add, CancellationToken cancellationToken)
        => _log.LoadHeadsAsync(addresses, add, cancellationToken);

    public Task<long> LastDateAddedAsync(CancellationToken cancellationToken) => _log.LastDateAddedAsync(cancellationToken);

    public Task AppendAsync(IReadOnlyList<StixVersion> versions, CancellationToken cancellationToken) => _log.AppendAsync(versions, cancellationToken);

    public Task<IReadOnlyList<StixVersion>> QueryAsync(StixVersionQuery query, CancellationToken cancellationToken) => _log.QueryAsync(query, cancellationToken);

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
