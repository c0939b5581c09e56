using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Reputation;
using Palisade.Core.Tests.Blocklists;

namespace Palisade.Core.Tests.Reputation;

/// <summary>What a face keeps with a check result (its serialized answer) stays with that object only and is not part of
/// the answer's value.</summary>
public sealed class CheckResultKeptTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public void Dispose() => _f.Dispose();

    private CheckResult Reported()
    {
        _f.Report("45.10.0.7", CategoryCatalog.BruteForce, "ssh", reporters: 2);
        return IpAddressParser.TryParse("45.10.0.7", out var address, out _) ? _f.Index.Check(address, CheckQuery.Default) : throw new InvalidOperationException();
    }

    [Fact]
    public void A_kept_value_is_read_back_from_the_same_result_and_replaced_by_the_next()
    {
        var result = Reported();
        Assert.Null(result.Kept());
        var first = new object();
        result.Keep(first);
        Assert.Same(first, result.Kept());
        var second = new object();
        result.Keep(second);
        Assert.Same(second, result.Kept());
    }

    [Fact]
    public void A_copy_does_not_see_what_was_kept_and_equality_ignores_it()
    {
        var result = Reported();
        var plain = result with { };
        result.Keep(new object());
        var copy = result with { Score = result.Score + 1 };
        Assert.Null(copy.Kept());
        Assert.Null((result with { }).Kept());
        Assert.Equal(plain, result);
        Assert.Equal(plain.GetHashCode(), result.GetHashCode());
        Assert.NotEqual(result, copy);
    }
}
