namespace Palisade.Core.Whitelisting;

/// <summary>
/// The whitelist in force: built-in entries plus the operator's. Replaced as a whole when entries change;
/// <see cref="Version"/> lets cached scores notice.
/// </summary>
public sealed class WhitelistProvider
{
    private readonly IReadOnlyList<WhitelistEntry> _builtIn;
    private Whitelist _current;
    private long _version;

    public WhitelistProvider(IReadOnlyList<WhitelistEntry> builtIn)
    {
        _builtIn = builtIn;
        _current = new Whitelist(builtIn);
    }

    public Whitelist Current => Volatile.Read(ref _current);

    public long Version => Volatile.Read(ref _version);

    public void SetOperatorEntries(IEnumerable<WhitelistEntry> operatorEntries)
    {
        Volatile.Write(ref _current, new Whitelist(_builtIn.Concat(operatorEntries)));
        Interlocked.Increment(ref _version);
    }
}
