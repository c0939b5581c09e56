namespace Palisade.Core.Reports;

/// <summary>
/// Tells the other nodes of a cluster which reports were just stored, so their in-memory views catch up at once.
/// Best effort: a node that missed a message catches up from the store on its next sync.
/// </summary>
public interface IReportFeed
{
    Task PublishAsync(IReadOnlyList<long> reportIds, CancellationToken cancellationToken);

    /// <summary>Tells the other nodes to reload an address from the store (its reports were withdrawn).</summary>
    Task PublishReloadAsync(string address, CancellationToken cancellationToken);
}
