namespace Palisade.Core.Categories;

/// <summary>One of the 16 native (SikkerAPI) categories.</summary>
public sealed record Category(int Id, string Name, string Description, Severity Severity, IReadOnlyList<string> MitreTechniques);
