namespace Palisade.Core.Keys;

/// <summary>Endpoint families; each has its own daily quota per key (SPEC §2).</summary>
public enum QuotaFamily
{
    Check,
    Report,
    Blacklist,
    Taxii,
}
