namespace Palisade.Core.Geo;

/// <summary>An ISO 3166-1 alpha-2 country with its English name and continent (code and name).</summary>
public sealed record Country(string Code, string Name, string ContinentCode, string ContinentName);
