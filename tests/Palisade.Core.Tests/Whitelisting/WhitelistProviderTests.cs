using System.Net;
using Palisade.Core.Whitelisting;

namespace Palisade.Core.Tests.Whitelisting;

/// <summary>The whitelist in force follows the operator's entries: added, replaced and removed again, each change seen
/// by the version that cached scores compare (the built-in list is not built again when there is nothing to add).</summary>
public sealed class WhitelistProviderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Operator_entries_are_in_force_once_set_and_gone_once_cleared_and_every_set_moves_the_version()
    {
        var provider = new WhitelistProvider(BuiltInWhitelist.Load());
        var partner = IPAddress.Parse("45.8.0.7");
        var builtIn = provider.Current;

        provider.SetOperatorEntries([]);
        Assert.Same(builtIn, provider.Current);
        Assert.Equal(1, provider.Version);
        Assert.Null(provider.Current.Match(partner, Now));

        provider.SetOperatorEntries([new WhitelistEntry(IPNetwork.Parse("45.8.0.0/24"), "partner", 0.5, "operator")]);
        Assert.Equal("partner", provider.Current.Match(partner, Now)?.Name);
        Assert.Equal(2, provider.Version);

        provider.SetOperatorEntries([]);
        Assert.Null(provider.Current.Match(partner, Now));
        Assert.Equal(3, provider.Version);
        Assert.NotNull(provider.Current.Match(IPAddress.Parse("8.8.8.8"), Now));
    }
}
