namespace Palisade.Core.Categories;

/// <summary>Severity of a behaviour, lowest first; names on the wire are snake_case ("very_high").</summary>
public enum Severity
{
    Info = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    VeryHigh = 4,
}
