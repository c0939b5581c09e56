namespace Palisade.Core.Reports;

/// <summary>One node: nobody to tell.</summary>
public sealed class SingleNodeReportFeed : IReportFeed
{
    public Task PublishAsync(IReadOnlyList<long> reportIds, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task PublishReloadAsync(string address, CancellationToken cancellationToken) => Task.CompletedTask;
}
