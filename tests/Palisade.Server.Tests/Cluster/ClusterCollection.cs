namespace Palisade.Server.Tests.Cluster;

/// <summary>
/// Tests that run several nodes against the shared PostgreSQL and Redis, and stop and start those servers: they run
/// one at a time, and scripts/test.sh runs them once (not again in the PostgreSQL pass).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
