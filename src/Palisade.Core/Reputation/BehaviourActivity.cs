using Palisade.Core.Categories;

namespace Palisade.Core.Reputation;

/// <summary>A behaviour is a category seen on a protocol ("ssh:brute_force"), or the category alone without one.</summary>
public sealed record BehaviourActivity(string Name, Severity Severity, long Count, string Description);
