using Palisade.Core.Whitelisting;

namespace Palisade.Core.Storage;

/// <summary>The operator's own whitelist entries (the built-in ones ship as data files).</summary>
public interface IWhitelistStore
{
    Task<IReadOnlyList<WhitelistEntry>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces the entry for the same network.</summary>
    Task AddAsync(WhitelistEntry entry, CancellationToken cancellationToken);

    Task<bool> RemoveAsync(System.Net.IPNetwork network, CancellationToken cancellationToken);
}
