using Palisade.Core.Stix;

namespace Palisade.Core.Tests.Stix;

/// <summary>Known answers computed with Python's uuid module and python-stix2 (research/taxii.md §2.2).</summary>
public sealed class StixUuidTests
{
    [Fact]
    public void Version5_matches_the_rfc_example_for_the_dns_namespace()
        => Assert.Equal("2ed6657d-e927-568b-95e1-2665a8aea6a2",
            StixUuid.Version5(new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com").ToString("D"));

    [Theory]
    [InlineData("""{"value":"1.2.3.4"}""", "0198f97b-e65d-5025-87e5-58bc39d4bdb4")]
    [InlineData("""{"value":"203.0.113.7"}""", "9ddd739e-87b1-587d-83f2-62ef1130af2f")]
    [InlineData("""{"value":"2001:db8::1"}""", "6469e3a9-b053-5e34-a025-9396ae051d26")]
    public void Version5_matches_python_stix2_observable_ids(string name, string expected)
        => Assert.Equal(expected, StixUuid.Version5(StixUuid.StixObservableNamespace, name).ToString("D"));

    [Theory]
    [InlineData("81.10.20.30", 0, "indicator--979dbd64-cb61-51c1-8f64-dbd77196f65b")]
    [InlineData("81.10.20.30", 1, "indicator--98dc5dfc-d37b-54c4-9b38-09270a095341")]
    [InlineData("45.33.32.156", 0, "indicator--e9f5dd2d-ff4d-55ad-90e5-7c46351e0fd6")]
    [InlineData("45.33.32.156", 1, "indicator--2480b5b3-f812-51f2-bbfd-72b96b8952a4")]
    [InlineData("2a05:d014:1:2::5", 0, "indicator--6fe0ec4c-0737-5764-907c-24cbe66e8391")]
    [InlineData("2001:4860:4860::8888", 0, "indicator--e8963aec-2388-589f-8a56-24b2128c4da4")]
    [InlineData("81.10.20.30", 12, "indicator--70e73428-fdb1-557b-a6d9-4c5b49728dcc")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", int.MaxValue, "indicator--330d79aa-df66-57c7-8489-d09679183bfc")]
    public void Indicator_ids_are_uuid5_in_palisades_namespace_over_the_canonical_address(string address, int generation, string expected)
        => Assert.Equal(expected, StixIdentifiers.Indicator(address, generation));

    [Fact]
    public void Indicator_ids_are_version_5_and_never_in_the_stix_observable_namespace()
    {
        var id = StixIdentifiers.Indicator("81.10.20.30", 0);
        Assert.Equal('5', id["indicator--".Length + 14]);
        Assert.NotEqual("indicator--" + StixUuid.Version5(StixUuid.StixObservableNamespace, """{"value":"81.10.20.30"}""").ToString("D"), id);
    }

    [Fact]
    public void Identity_and_collection_ids_are_fixed()
    {
        Assert.Equal("identity--01948fcd-3dd4-5c5d-b96c-988f2ab382a0", StixIdentifiers.Identity);
        Assert.Equal("e5d8fafc-7b8d-5f7b-b413-1dacccabb811", StixIdentifiers.Collection("all"));
        Assert.Equal("8647683a-c008-5ae3-955e-643eb09539d7", StixIdentifiers.Collection("high-confidence"));
    }

    [Theory]
    [InlineData("indicator--979dbd64-cb61-51c1-8f64-dbd77196f65b", true)]
    [InlineData("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", true)]
    [InlineData("81.10.20.30", false)]
    [InlineData("indicator--not-a-uuid", false)]
    [InlineData("Indicator--979dbd64-cb61-51c1-8f64-dbd77196f65b", false)]
    public void Identifier_shape_is_recognised(string text, bool expected)
        => Assert.Equal(expected, StixIdentifiers.IsIdentifier(text));
}
