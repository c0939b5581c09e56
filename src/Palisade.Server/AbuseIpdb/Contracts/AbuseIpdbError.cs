using System.Text.Json.Serialization;

namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>One entry of AbuseIPDB's <c>errors</c> array; <see cref="Source"/> names the offending parameter on 422s.</summary>
public sealed record AbuseIpdbError(string Detail, int Status)
{
    /// <summary>The parameter at fault (422).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AbuseIpdbErrorSource? Source { get; init; }
}
