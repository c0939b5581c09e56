namespace Palisade.Core.Sensors;

/// <summary>One row of <see cref="SensorRuleTable"/>: the rule's name, the native category it gives, and why.</summary>
public sealed record SensorRule(string Name, int Category, string Description);
