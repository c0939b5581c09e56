namespace Palisade.Server.Native.Contracts;

/// <summary>A report category and how often it was reported.</summary>
/// <param name="Id">The category id (1–16).</param>
/// <param name="Name">Its name (<c>brute_force</c>, …).</param>
/// <param name="Count">Reports in it.</param>
public sealed record NativeCategoryCount(int Id, string Name, long Count);
