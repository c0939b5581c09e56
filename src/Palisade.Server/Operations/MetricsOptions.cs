namespace Palisade.Server.Operations;

/// <summary>Settings of <c>GET /metrics</c>, bound from "Palisade:Metrics".</summary>
public sealed class MetricsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Palisade:Metrics";

    /// <summary>
    /// When set, a scrape must send <c>Authorization: Bearer {Token}</c>. Unset, <c>/metrics</c> is open: keep the port
    /// on an internal network or behind the reverse proxy's own access rule.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>How long one store check is reused, so frequent or concurrent scrapes do not each query the database.</summary>
    public TimeSpan StoreCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
