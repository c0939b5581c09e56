namespace Palisade.Core.Reports.Bulk;

/// <summary>The columns a bulk CSV may have; without a header row the file holds the first four in this order.</summary>
public enum BulkColumn
{
    Ip,
    Category,
    Protocol,
    Comment,
    Port,
    Username,
    Timestamp,
    Email,
}
