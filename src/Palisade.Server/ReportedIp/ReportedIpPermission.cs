namespace Palisade.Server.ReportedIp;

/// <summary>What a ReportedIP role may do (the "Features" column of ReportedIP's role table).</summary>
public enum ReportedIpPermission
{
    Check,
    Report,
    Verify,
    BulkCheck,
    BulkReport,
    Blacklist,
}
