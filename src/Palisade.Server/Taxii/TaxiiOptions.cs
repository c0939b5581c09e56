using System.ComponentModel.DataAnnotations;

namespace Palisade.Server.Taxii;

/// <summary>The TAXII server's settings (configuration section "Palisade:Taxii", beside the publishing settings).</summary>
public sealed class TaxiiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Palisade:Taxii";

    /// <summary>Largest page served; a larger <c>limit</c> is cut to it.</summary>
    [Range(1, 100_000, ErrorMessage = "Palisade:Taxii:MaxPageSize must be 1 to 100000.")]
    public int MaxPageSize { get; set; } = 1_000;

    /// <summary>Page size when the client sends no <c>limit</c>.</summary>
    [Range(1, 100_000, ErrorMessage = "Palisade:Taxii:DefaultPageSize must be 1 to 100000.")]
    public int DefaultPageSize { get; set; } = 1_000;

    /// <summary><c>max_content_length</c> advertised by the API root (the collections are read-only anyway).</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Palisade:Taxii:MaxContentLength must be a positive number of bytes.")]
    public int MaxContentLength { get; set; } = 1024 * 1024;
}
