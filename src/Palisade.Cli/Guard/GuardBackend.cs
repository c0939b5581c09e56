namespace Palisade.Cli.Guard;

/// <summary>Which firewall tool the guard drives.</summary>
internal enum GuardBackend
{
    Ipset,
    Nftables,
}
