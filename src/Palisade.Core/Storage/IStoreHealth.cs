namespace Palisade.Core.Storage;

public interface IStoreHealth
{
    /// <summary>True when the store answers a trivial query now.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}
