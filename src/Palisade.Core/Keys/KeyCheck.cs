namespace Palisade.Core.Keys;

/// <summary>The result of authenticating a presented secret.</summary>
public readonly record struct KeyCheck(KeyCheckStatus Status, AuthenticatedKey? Key);
