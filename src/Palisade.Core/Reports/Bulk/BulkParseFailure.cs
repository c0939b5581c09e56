namespace Palisade.Core.Reports.Bulk;

/// <summary>Why a whole upload was refused before any row was looked at.</summary>
public enum BulkParseFailure
{
    /// <summary>The upload was read; individual rows may still carry errors.</summary>
    None,

    /// <summary>Not readable at all (binary, not UTF-8, an unterminated quote, a bad header): 400.</summary>
    Malformed,

    /// <summary>More rows or bytes than <see cref="BulkLimits"/> allow: 413.</summary>
    TooLarge,
}
