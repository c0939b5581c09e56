namespace Palisade.Server.Taxii;

/// <summary>
/// What a <c>next</c> token carries: where the page ended (<see cref="Position"/>, the last <c>date_added</c> returned,
/// Unix µs), which collection, endpoint and object it belongs to, and the original filters — so it works alone
/// (Elastic sends only <c>next</c>) and with the filters repeated (taxii2-client), across restarts.
/// </summary>
public sealed record TaxiiCursor(int Collection, string Endpoint, string? ObjectId, long Position, IReadOnlyDictionary<string, string> Filters);
