namespace Palisade.Core.Reports.Bulk;

/// <summary>Limits of one bulk upload or bulk check (SPEC §3): beyond them the request is refused whole (413).</summary>
public static class BulkLimits
{
    /// <summary>Report rows per upload (a header row and blank lines do not count).</summary>
    public const int MaxRows = 10_000;

    /// <summary>Bytes of the uploaded file (2 MiB, what SikkerAPI's own client refuses to exceed).</summary>
    public const int MaxFileBytes = 2 * 1024 * 1024;

    /// <summary>Addresses per bulk check.</summary>
    public const int MaxAddresses = 10_000;

    /// <summary>Bytes of a bulk-check body: 10,000 of the longest addresses with room for headers and blank lines.</summary>
    public const int MaxAddressListBytes = 2 * 1024 * 1024;

    /// <summary>How much of a bad field is echoed back in an error: enough to find it, never the whole 2 MB line.</summary>
    public const int MaxEchoedLength = 64;

    /// <summary>Shortens text that is echoed back in an error.</summary>
    public static string Echo(string? text)
        => text is null ? string.Empty : text.Length <= MaxEchoedLength ? text : text[..MaxEchoedLength] + "…";
}
