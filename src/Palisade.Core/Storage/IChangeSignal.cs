namespace Palisade.Core.Storage;

/// <summary>
/// A counter bumped whenever keys or whitelist entries change, so a running server notices changes made by the CLI
/// (another process) by polling one cheap value.
/// </summary>
public interface IChangeSignal
{
    Task<long> CurrentAsync(CancellationToken cancellationToken);

    Task BumpAsync(CancellationToken cancellationToken);
}
