namespace Palisade.Core.Stix;

/// <summary>The published collections; the value is stored with every version row.</summary>
public enum StixCollection
{
    /// <summary>Every scored address.</summary>
    All = 1,

    /// <summary>Addresses that scored at least <see cref="ScoreBand.HighConfidenceThreshold"/>, and every later version of them.</summary>
    HighConfidence = 2,
}
