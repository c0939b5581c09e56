namespace Palisade.Core.Blocklists;

/// <summary>The built-in renderings of a blocklist (<see cref="BlocklistRenderer"/>). JSON shapes are the faces' own.</summary>
public enum BlocklistFormat
{
    Json,
    Plaintext,
    Csv,
    Ipset,
    Iptables,
    Nftables,
    Nginx,
    NginxGeo,
    Csf,
}
