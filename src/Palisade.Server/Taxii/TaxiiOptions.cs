namespace Palisade.Server.Taxii;

/// <summary>The TAXII server's settings (configuration section "Palisade:Taxii", beside the publishing settings).</summary>
public sealed class TaxiiOptions
{
    /// <summary>Largest page served; a larger <c>limit</c> is cut to it.</summary>
    public int MaxPageSize { get; set; } = 1_000;

    /// <summary>Page size when the client sends no <c>limit</c>.</summary>
    public int DefaultPageSize { get; set; } = 1_000;

    /// <summary>Public base URL (e.g. https://palisade.example.com) for absolute API-root URLs in discovery; relative when empty.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary><c>max_content_length</c> advertised by the API root (the collections are read-only anyway).</summary>
    public int MaxContentLength { get; set; } = 1024 * 1024;
}
