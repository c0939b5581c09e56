namespace Palisade.Core.Keys;

public enum KeyCheckStatus
{
    Valid,
    Missing,
    Invalid,
    Revoked,
    UnknownTier,
}
