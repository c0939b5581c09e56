namespace Palisade.Core.Keys;

/// <summary>What a tier may use; a key whose tier lacks a feature gets 403.</summary>
public enum Feature
{
    Check,
    Report,
    BulkReport,
    BulkCheck,
    Blacklist,
    Taxii,
    Alerts,
}
