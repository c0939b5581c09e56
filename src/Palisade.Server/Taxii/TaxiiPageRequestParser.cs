using System.Globalization;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Stix;

namespace Palisade.Server.Taxii;

/// <summary>
/// Reads <c>limit</c>, <c>next</c>, <c>offset</c> (SikkerAPI), <c>added_after</c> and <c>match[…]</c> of a paged
/// request. Every field at most once; <c>match</c> values are comma lists (OR), fields combine with AND;
/// <c>match[version]</c> defaults to <c>last</c> and <c>all</c> stands alone. A <c>next</c> carries the original
/// filters: they may be repeated (they must then be the same) or left out.
/// </summary>
public sealed class TaxiiPageRequestParser(TaxiiCursorCodec cursors, TaxiiOptions options)
{
    public const int MaxIds = 100;
    public const int MaxTypes = 20;
    public const int MaxVersions = 20;
    public const int MaxOffset = 10_000_000;

    /// <summary>Parses a request; the error is a TAXII 400 description.</summary>
    public async Task<(TaxiiPageRequest? Request, string? Error)> ParseAsync(IQueryCollection query, TaxiiEndpoint endpoint, StixCollection collection,
        string? objectId, CancellationToken cancellationToken)
    {
        foreach (var name in endpoint.Filters.Concat(["limit", "next", "offset"]))
        {
            if (query.TryGetValue(name, out var values) && values.Count > 1)
            {
                return (null, $"{name} may be given only once (use a comma-separated list for several values).");
            }
        }

        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in endpoint.Filters)
        {
            if (query.TryGetValue(name, out var values) && !string.IsNullOrWhiteSpace(values[0]))
            {
                filters[name] = values[0]!.Trim();
            }
        }

        long? position = null;
        var offset = 0;
        if (query.TryGetValue("next", out var nextValues) && !string.IsNullOrEmpty(nextValues[0]))
        {
            var cursor = await cursors.DecodeAsync(nextValues[0]!, cancellationToken);
            if (cursor is null)
            {
                return (null, "next is not a paging token issued by this server.");
            }

            if (cursor.Collection != (int)collection || cursor.Endpoint != endpoint.Name || cursor.ObjectId != objectId)
            {
                return (null, "next belongs to another collection or endpoint.");
            }

            foreach (var (name, value) in filters)
            {
                if (!cursor.Filters.TryGetValue(name, out var original) || original != value)
                {
                    return (null, $"{name} differs from the request next was issued for; repeat the original filters or send next alone.");
                }
            }

            filters = new Dictionary<string, string>(cursor.Filters, StringComparer.Ordinal);
            position = cursor.Position;
        }
        else if (query.TryGetValue("offset", out var offsetValues) && !string.IsNullOrEmpty(offsetValues[0]))
        {
            if (!int.TryParse(offsetValues[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset > MaxOffset)
            {
                return (null, $"offset must be a whole number from 0 to {MaxOffset}.");
            }
        }

        var limit = options.DefaultPageSize;
        if (query.TryGetValue("limit", out var limitValues) && limitValues[0] is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit <= 0)
            {
                if (!(limitText.Length > 0 && limitText.All(char.IsAsciiDigit) && limitText.TrimStart('0').Length > 0))
                {
                    return (null, "limit must be a positive whole number.");
                }

                limit = options.MaxPageSize; // a huge positive number: simply more than the server serves
            }
        }

        limit = Math.Min(limit, options.MaxPageSize);

        var addedAfter = position;
        if (filters.TryGetValue(TaxiiEndpoint.AddedAfter, out var addedAfterText))
        {
            if (!StixTimestamp.TryParseMicroseconds(addedAfterText, out var after))
            {
                return (null, "added_after must be an RFC 3339 timestamp, e.g. 2026-03-01T00:00:00.000000Z.");
            }

            addedAfter = position ?? after;
        }

        var matchesNothing = false;
        IReadOnlyList<string>? ids = objectId is null ? null : [objectId];
        if (filters.TryGetValue(TaxiiEndpoint.MatchId, out var idText))
        {
            var list = SplitList(idText);
            if (list.Length > MaxIds || list.Any(id => id.Length > 300))
            {
                return (null, $"match[id] takes at most {MaxIds} ids.");
            }

            ids = list;
        }

        IReadOnlyList<string>? types = null;
        if (filters.TryGetValue(TaxiiEndpoint.MatchType, out var typeText))
        {
            var list = SplitList(typeText);
            if (list.Length > MaxTypes || list.Any(t => t.Length > 250 || !t.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            {
                return (null, $"match[type] takes at most {MaxTypes} STIX type names (lowercase letters, digits and hyphens).");
            }

            types = list;
        }

        var versions = endpoint == TaxiiEndpoint.Versions ? VersionSelection.Every : VersionSelection.LastOnly;
        if (filters.TryGetValue(TaxiiEndpoint.MatchVersion, out var versionText))
        {
            var (selection, error) = ParseVersions(versionText);
            if (selection is null)
            {
                return (null, error);
            }

            versions = selection;
        }

        if (filters.TryGetValue(TaxiiEndpoint.MatchSpecVersion, out var specText))
        {
            var list = SplitList(specText);
            if (list.Any(v => v.Length > 10))
            {
                return (null, "match[spec_version] takes STIX versions such as 2.1.");
            }

            // Every object here is STIX 2.1, the latest version the server has, which is also the default.
            matchesNothing = !list.Contains("2.1", StringComparer.Ordinal);
        }

        if (ids is { Count: 0 } || types is { Count: 0 })
        {
            matchesNothing = true;
        }

        var storeQuery = new StixVersionQuery(collection, addedAfter, limit + 1)
        {
            Ids = ids,
            Types = types,
            Versions = versions,
            Offset = position is null ? offset : 0,
        };
        return (new TaxiiPageRequest(storeQuery, limit, filters, matchesNothing), null);
    }

    private static (VersionSelection? Selection, string? Error) ParseVersions(string text)
    {
        var list = SplitList(text);
        if (list.Length == 0 || list.Length > MaxVersions)
        {
            return (null, $"match[version] takes 1 to {MaxVersions} values: first, last, all or STIX timestamps.");
        }

        bool all = false, first = false, last = false;
        var modified = new List<long>();
        foreach (var value in list)
        {
            switch (value)
            {
                case "all":
                    all = true;
                    break;
                case "first":
                    first = true;
                    break;
                case "last":
                    last = true;
                    break;
                default:
                    if (!StixTimestamp.TryParseMicroseconds(value, out var microseconds))
                    {
                        return (null, $"match[version] value '{value}' is not first, last, all or a STIX timestamp.");
                    }

                    modified.Add(microseconds / 1000);
                    break;
            }
        }

        if (all && list.Length > 1)
        {
            return (null, "match[version]=all cannot be combined with other values.");
        }

        return (all ? VersionSelection.Every : new VersionSelection(false, first, last, modified), null);
    }

    private static string[] SplitList(string text)
        => text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
