namespace Palisade.Server.AbuseIpdb.Contracts;

/// <summary>The parameter a validation error is about: <c>{"parameter":"ipAddress"}</c>.</summary>
public sealed record AbuseIpdbErrorSource(string Parameter);
