using System.Data.Common;

namespace Palisade.Storage;

/// <summary>Opens a connection to the engine's database (and maps "cannot reach it" to StoreUnavailableException).</summary>
public interface IConnectionFactory
{
    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);
}
