namespace Palisade.Core.Stix;

/// <summary>How indicators are published (configuration section "Palisade:Taxii").</summary>
public sealed class StixOptions
{
    /// <summary>An indicator stays valid this long after the address was last seen (<c>valid_until</c>); at most 3,650 days
    /// (a head keeps it as a 40-bit offset, <see cref="PublishedHead"/>).</summary>
    public TimeSpan Validity { get; set; } = TimeSpan.FromDays(14);

    /// <summary>New activity publishes a version that extends <c>valid_until</c> only once it would move by at least
    /// this much, so a busy address does not produce a version per report.</summary>
    public TimeSpan ExtensionStep { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Addresses scoring below this are not published (a published one falling below is revoked).</summary>
    public int MinimumScore { get; set; } = 1;

    /// <summary>How often every address is re-examined (score decay, purges, whitelist changes).</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>name</c> of the identity object every indicator is created by.</summary>
    public string IdentityName { get; set; } = "Palisade";

    /// <summary>At most this many behaviour labels per indicator (the most severe first).</summary>
    public int MaxLabels { get; set; } = 20;
}
