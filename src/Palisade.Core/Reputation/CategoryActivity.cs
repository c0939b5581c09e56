namespace Palisade.Core.Reputation;

public sealed record CategoryActivity(int Id, string Name, long Count);
