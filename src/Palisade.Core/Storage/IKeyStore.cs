using Palisade.Core.Keys;

namespace Palisade.Core.Storage;

public interface IKeyStore
{
    /// <summary>Stores a new key (its hash only) and returns it with its id and reporter (<see cref="ApiKey.Reporter"/>:
    /// joins the reporter of that name when one exists, else a new reporter "key-ID").</summary>
    Task<ApiKey> CreateAsync(ApiKey key, CancellationToken cancellationToken);

    Task<ApiKey?> FindByHashAsync(byte[] hash, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes by id; returns false when no such active key exists.</summary>
    Task<bool> RevokeAsync(long id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Moves a key to the reporter named <paramref name="reporter"/> (created when new). False when no such key.</summary>
    Task<bool> SetReporterAsync(long id, string reporter, CancellationToken cancellationToken);

    /// <summary>Every (reporter id, network) pair seen so far (networks reports arrived from).</summary>
    Task<IReadOnlyList<(long ReporterId, string Network)>> LoadReporterNetworksAsync(CancellationToken cancellationToken);

    /// <summary>Records (reporter id, network) pairs; pairs already stored are kept as they are.</summary>
    Task AddReporterNetworksAsync(IReadOnlyList<(long ReporterId, string Network)> pairs, DateTimeOffset at, CancellationToken cancellationToken);
}
