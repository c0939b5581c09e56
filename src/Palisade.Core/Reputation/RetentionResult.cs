namespace Palisade.Core.Reputation;

public sealed record RetentionResult(int ReportsDeleted, int AddressesDropped);
