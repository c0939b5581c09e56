using System.Text.Json.Serialization;

namespace Palisade.Server.Operations;

/// <summary>The answer of <c>GET /healthz</c>: the process is up.</summary>
/// <param name="Status">Always <c>ok</c>.</param>
/// <param name="Addresses">Addresses held in the reputation index.</param>
/// <param name="Geo">Which geolocation data answers.</param>
public sealed record HealthStatus(string Status, int Addresses, GeoHealth Geo);

/// <summary>The geolocation data in use (it goes stale: re-run <c>palisade geo install</c>).</summary>
/// <param name="Installed">Whether any geo data is installed.</param>
/// <param name="BuildDate">The oldest source's build date (yyyy-MM-dd).</param>
/// <param name="Sources">Each database loaded.</param>
public sealed record GeoHealth(bool Installed, string? BuildDate, IReadOnlyList<GeoSourceHealth> Sources);

/// <summary>One geolocation database.</summary>
/// <param name="Kind"><c>country</c> or <c>asn</c>.</param>
/// <param name="Format"><c>mmdb</c> or <c>csv</c>.</param>
/// <param name="BuildDate">Its build date (yyyy-MM-dd).</param>
public sealed record GeoSourceHealth(string Kind, string Format, string? BuildDate);

/// <summary>The answer of <c>GET /readyz</c>.</summary>
/// <param name="Status"><c>ready</c>, or <c>unavailable</c> (with 503).</param>
/// <param name="Error">What is wrong, when unavailable.</param>
public sealed record ReadinessStatus(string Status, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);
