namespace Palisade.Core.Storage;

/// <summary>The database as a whole: bring its schema up to date, and say where it is (without secrets).</summary>
public interface IStoreLifecycle : IStoreHealth
{
    string Description { get; }

    Task MigrateAsync(CancellationToken cancellationToken);
}
