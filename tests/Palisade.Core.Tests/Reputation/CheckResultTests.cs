using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Reputation;
using Palisade.Core.Tests.Blocklists;

namespace Palisade.Core.Tests.Reputation;

/// <summary>
/// <see cref="ReputationIndex.CheckKnown"/> answers null exactly when <see cref="ReputationIndex.Check"/> has nothing to
/// say about an address (the check endpoint then writes the blank answer without a result object); what a face keeps with
/// a check result (its serialized answer) stays with that object only and is not part of the answer's value.
/// </summary>
public sealed class CheckResultTests : IDisposable
{
    private readonly BlocklistFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static NormalizedAddress Parse(string text)
        => IpAddressParser.TryParse(text, out var address, out var error) ? address : throw new ArgumentException(error);

    [Theory]
    [InlineData("46.10.0.1")]
    [InlineData("2a00:10:0:9::1")]
    [InlineData("10.1.2.3")]
    [InlineData("127.0.0.1")]
    public void Nothing_known_is_null_and_check_answers_the_empty_result(string text)
    {
        var address = Parse(text);
        Assert.Null(_f.Index.CheckKnown(address, CheckQuery.Default));
        var check = _f.Index.Check(address, CheckQuery.Default);
        var nothing = ReputationIndex.NothingKnown(address);
        Assert.False(check.Found);
        Assert.Null(check.Whitelisted);
        Assert.Equal(0, check.Score);
        Assert.Same(address, check.Address);
        Assert.Equal(nothing.Found, check.Found);
        Assert.Equal(nothing.Score, check.Score);
        Assert.Empty(check.Protocols);
        Assert.Empty(check.Categories);
    }

    [Fact]
    public void A_reported_address_is_known_and_is_the_checks_answer()
    {
        _f.Report("45.10.0.1", CategoryCatalog.BruteForce, "ssh", reporters: 2);
        var address = Parse("45.10.0.1");
        var known = _f.Index.CheckKnown(address, CheckQuery.Default);
        Assert.NotNull(known);
        Assert.True(known.Found);
        Assert.True(known.Score > 0);
        // The unfiltered answer is the index's cached one: the same object while nothing changes.
        Assert.Same(known, _f.Index.Check(address, CheckQuery.Default));
    }

    [Fact]
    public void An_unreported_whitelisted_address_is_known_by_its_whitelist_entry()
    {
        var address = Parse("8.8.8.8");
        var known = _f.Index.CheckKnown(address, CheckQuery.Default);
        Assert.NotNull(known);
        Assert.False(known.Found);
        Assert.NotNull(known.Whitelisted);
        Assert.Equal(known.Whitelisted, _f.Index.Check(address, CheckQuery.Default).Whitelisted);
    }

    private CheckResult Reported()
    {
        _f.Report("45.10.0.7", CategoryCatalog.BruteForce, "ssh", reporters: 2);
        return _f.Index.Check(Parse("45.10.0.7"), CheckQuery.Default);
    }

    [Fact]
    public void A_kept_value_is_read_back_from_the_same_result_and_replaced_by_the_next()
    {
        var result = Reported();
        Assert.Null(result.Kept());
        var first = new Keepsake(result);
        result.Keep(first);
        Assert.Same(first, result.Kept());
        var second = new Keepsake(result);
        result.Keep(second);
        Assert.Same(second, result.Kept());
    }

    [Fact]
    public void A_value_made_for_another_result_is_not_kept()
    {
        var result = Reported();
        var other = result with { Score = result.Score + 1 };
        Assert.Throws<ArgumentException>(() => result.Keep(new Keepsake(other)));
        Assert.Null(result.Kept());
    }

    private sealed class Keepsake(CheckResult owner) : CheckKeepsake(owner);

    [Fact]
    public void A_copy_does_not_see_what_was_kept_and_equality_ignores_it()
    {
        var result = Reported();
        var plain = result with { };
        result.Keep(new Keepsake(result));
        var copy = result with { Score = result.Score + 1 };
        Assert.Null(copy.Kept());
        Assert.Null((result with { }).Kept());
        Assert.Equal(plain, result);
        Assert.Equal(plain.GetHashCode(), result.GetHashCode());
        Assert.NotEqual(result, copy);
    }
}
