using Palisade.Core.Keys;

namespace Palisade.Core.Storage;

public interface IKeyStore
{
    /// <summary>Stores a new key (its hash only) and returns it with its id.</summary>
    Task<ApiKey> CreateAsync(ApiKey key, CancellationToken cancellationToken);

    Task<ApiKey?> FindByHashAsync(byte[] hash, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes by id; returns false when no such active key exists.</summary>
    Task<bool> RevokeAsync(long id, DateTimeOffset at, CancellationToken cancellationToken);
}
