namespace Palisade.Core.Blocklists;

/// <summary>The built-in renderings of a blocklist (<see cref="BlocklistEngine.Render(BlocklistSelection, BlocklistFormat)"/>). JSON shapes are the faces' own.</summary>
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

    /// <summary>An <c>iptables-restore --noflush</c> file (IPv4 addresses only) filling chain <c>PALISADE</c>.</summary>
    IptablesRestore,

    /// <summary>The same for <c>ip6tables-restore --noflush</c> (IPv6 addresses only).</summary>
    Ip6tablesRestore,
}
