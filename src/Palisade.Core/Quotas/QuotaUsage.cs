using Palisade.Core.Keys;

namespace Palisade.Core.Quotas;

/// <summary>A persisted counter: units used by one key in one family on one UTC day.</summary>
public readonly record struct QuotaUsage(long KeyId, QuotaFamily Family, int Day, long Used);
