namespace Palisade.Core.Reports;

/// <summary>Field limits of a report (native dialect). Faces that cut instead of refuse cut before submitting.</summary>
public static class ReportLimits
{
    public const int MaxCommentLength = 1_000;
    public const int MaxProtocolLength = 32;
    public const int MaxUsernameLength = 256;
    public const int MaxCategoriesPerReport = 16;

    /// <summary>Same key, address and category within this window: answered as a duplicate and counted once.</summary>
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromMinutes(15);

    /// <summary>Reports dated further in the future than this are refused (clock skew allowance).</summary>
    public static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(5);
}
