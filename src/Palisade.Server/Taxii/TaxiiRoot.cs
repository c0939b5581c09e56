namespace Palisade.Server.Taxii;

/// <summary>
/// Which URL family an endpoint belongs to: the TAXII 2.1 API root (<c>/taxii2/palisade/</c>) or SikkerAPI's paths
/// (<c>/taxii2/collections/…</c>, where <c>/taxii2/</c> serves as its API root), which also accept
/// <c>Accept: application/json</c>.
/// </summary>
public sealed record TaxiiRoot(bool SikkerCompatible)
{
    public const string ApiRootPath = "/taxii2/palisade/";

    public static TaxiiRoot Standard { get; } = new(false);

    public static TaxiiRoot Sikker { get; } = new(true);
}
