namespace Palisade.Core.Storage;

public interface IStoreHealth
{
    /// <summary>True when the store answers a trivial query now.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True when a failure means "the database cannot be reached right now" (answered 503 with Retry-After) rather than
    /// a bug (500). Opening a connection already throws <see cref="StoreUnavailableException"/>; this covers a
    /// connection that was open and is lost during a query (a PostgreSQL restart, a disk that fails mid-write).
    /// </summary>
    bool IsUnavailable(Exception error);
}
