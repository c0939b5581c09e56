namespace Palisade.Core.Quotas;

/// <summary>Durable storage of quota counters so a restart does not reset them.</summary>
public interface IQuotaStore
{
    Task<IReadOnlyList<QuotaUsage>> LoadAsync(int day, CancellationToken cancellationToken);

    /// <summary>Upserts absolute counter values (not increments), so replaying a flush is harmless.</summary>
    Task SaveAsync(IReadOnlyCollection<QuotaUsage> usages, CancellationToken cancellationToken);
}
