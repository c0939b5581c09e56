namespace Palisade.Core.Blocklists;

/// <summary>Which address families a blocklist holds.</summary>
public enum IpVersionFilter
{
    Mixed = 0,
    V4 = 4,
    V6 = 6,
}
