namespace Palisade.Storage.Postgres;

/// <summary>How the PostgreSQL store connects (from <c>Palisade:Postgres</c>).</summary>
public sealed class PostgresOptions
{
    /// <summary>An Npgsql connection string, e.g. "Host=127.0.0.1;Port=5432;Database=palisade;Username=palisade".</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Seconds to wait for a connection before answering 503; keeps requests from hanging when PostgreSQL is down.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 3;

    /// <summary>Seconds a statement may run.</summary>
    public int CommandTimeoutSeconds { get; set; } = 10;
}
