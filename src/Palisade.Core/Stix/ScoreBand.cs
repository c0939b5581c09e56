namespace Palisade.Core.Stix;

/// <summary>
/// Coarse score bands. A new indicator version is published when the band changes, not on every score wobble;
/// 75 is a band edge because the high-confidence collection starts there.
/// </summary>
public static class ScoreBand
{
    public const int HighConfidenceThreshold = 75;

    private static readonly int[] Edges = [25, 50, HighConfidenceThreshold, 90];

    /// <summary>0 (score below 25) to 4 (90 and over).</summary>
    public static int Of(int score)
    {
        var band = 0;
        foreach (var edge in Edges)
        {
            if (score >= edge)
            {
                band++;
            }
        }

        return band;
    }
}
