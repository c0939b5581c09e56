namespace Palisade.Cli.Guard;

/// <summary>
/// A validated <c>palisade guard</c> configuration. <see cref="Fingerprint"/> names everything that decides what the
/// sets should hold (server, filters, backend and set names, never the key): a saved state with another fingerprint
/// is not continued incrementally.
/// </summary>
internal sealed record GuardSettings(
    Uri Server,
    string Key,
    GuardBackend Backend,
    string SetV4,
    string SetV6,
    string NftTable,
    string Query,
    string? AllowFile,
    TimeSpan Interval,
    bool Once,
    string? StatePath)
{
    public string Fingerprint => Backend == GuardBackend.Ipset
        ? $"{Server}|ipset|{SetV4}|{SetV6}|{Query}"
        : $"{Server}|nftables|{NftTable}|{SetV4}|{SetV6}|{Query}";
}
