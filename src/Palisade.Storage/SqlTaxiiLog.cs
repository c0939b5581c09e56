using System.Data.Common;
using System.Text;
using Dapper;
using Palisade.Core.Stix;

namespace Palisade.Storage;

/// <summary>
/// The TAXII version log in table taxii_log, the same on SQLite and PostgreSQL. One row per version, not one per
/// collection (a high-confidence version is the all-collection version with a flag). An indicator version keeps only
/// its fields (the object's UUID as 16 bytes, times as integers, labels and techniques as text) and its JSON is rendered
/// from them when a page is read, by the same code that rendered it when it was published. Other objects, and versions
/// written before this layout, keep their JSON in <c>body</c>. An address's head is its latest object's last version.
/// Label and technique lists repeat (a few hundred distinct ones for a million indicators): a row holds their ids in
/// taxii_texts, which every node caches whole.
/// </summary>
/// <param name="open">Opens a connection.</param>
/// <param name="arrayParameters">The engine takes a list as one array parameter (PostgreSQL).</param>
/// <param name="beginAppend">Begins an append's transaction on the engine's own fastest path (prepared statements on
/// SQLite, binary COPY on PostgreSQL).</param>
public sealed class SqlTaxiiLog(Func<CancellationToken, Task<DbConnection>> open, bool arrayParameters,
    Func<CancellationToken, Task<ITaxiiLogWriter>> beginAppend)
{
    private const string CursorKeyName = "cursor_key";

    // Bits of column flags. Last is the same in both collections: once an object is in the high-confidence collection,
    // each later version of it is too (see ITaxiiStore.AppendAsync).
    private const int FirstInAll = 1;
    private const int InHigh = 2;
    private const int FirstInHigh = 4;
    private const int Last = TaxiiLogSql.LastVersionFlag;
    private const int Revoked = 16;

    private const string Select = """
        SELECT date_added AS DateAdded, object_uuid AS ObjectUuid, flags AS Flags, modified AS Modified, created AS Created,
               valid_from AS ValidFrom, valid_until AS ValidUntil, confidence AS Confidence, generation AS Generation,
               address AS Address, labels AS LabelsId, techniques AS TechniquesId, object_type AS ObjectType, body AS Body
        FROM taxii_log
        """;

    // taxii_texts, both ways; an id is only cached once the transaction that made it committed.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _textIds = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _texts = new();

    /// <summary>One row of taxii_log. Indicator fields are null on rows that keep a body.</summary>
    private sealed class Row
    {
        public long DateAdded { get; set; }

        public byte[] ObjectUuid { get; set; } = [];

        public int Flags { get; set; }

        public long Modified { get; set; }

        /// <summary>Null when equal to <see cref="Modified"/>, as on every object's first version.</summary>
        public long? Created { get; set; }

        /// <summary>Null when equal to <see cref="Created"/> (the publisher always makes them equal): saves a column's bytes.</summary>
        public long? ValidFrom { get; set; }

        public long? ValidUntil { get; set; }

        public int? Confidence { get; set; }

        public int? Generation { get; set; }

        public string? Address { get; set; }

        public long? LabelsId { get; set; }

        public long? TechniquesId { get; set; }

        /// <summary>The text of <see cref="LabelsId"/> (not a column).</summary>
        public string? Labels { get; set; }

        public string? Techniques { get; set; }

        /// <summary>Null for an indicator rendered from its fields.</summary>
        public string? ObjectType { get; set; }

        public string? Body { get; set; }
    }

    public async Task<byte[]> GetOrCreateCursorKeyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        // Two nodes starting together both try to insert; whichever commits first wins and both read the winner.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO taxii_settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING",
            new { name = CursorKeyName, value = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
            cancellationToken: cancellationToken));
        var value = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT value FROM taxii_settings WHERE name = @name", new { name = CursorKeyName }, cancellationToken: cancellationToken));
        return Convert.FromHexString(value);
    }

    /// <summary>
    /// Reads the heads with one reader, column by column (no row object, id text or list per head: at ten million heads
    /// those made the load take 21-29 s and gigabytes). Texts come from the cache, read again only for an id it lacks (a
    /// follower refreshes every few seconds).
    /// </summary>
    public async Task LoadHeadsAsync(long after, Action<StoredIndicatorHead> add, CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = HeadColumns + (after == 0
            ? $" WHERE (flags & {Last}) <> 0 AND address IS NOT NULL"
            : " WHERE date_added > @after AND address IS NOT NULL ORDER BY date_added");
        if (after != 0)
        {
            AddParameter(command, "@after", after);
        }

        await ReadHeadsAsync(command, add, cancellationToken);
    }

    /// <summary>
    /// The latest version of each indicator of <paramref name="addresses"/> (one per generation: the highest is the head),
    /// found by object id, which derives from the address and the generation: ids of eight generations per address are
    /// asked at once, and the next eight for an address that has the eighth. No index by address is needed (nor kept:
    /// 20-30 bytes per address at ten million).
    /// </summary>
    public async Task LoadHeadsAsync(IReadOnlyCollection<string> addresses, Action<StoredIndicatorHead> add, CancellationToken cancellationToken)
    {
        const int Generations = 8, AddressesPerQuery = 64;
        var asked = addresses.Select(address => (Address: address, From: 0)).ToList();
        await using var connection = await open(cancellationToken);
        while (asked.Count > 0)
        {
            var further = new List<(string Address, int From)>();
            foreach (var chunk in asked.Chunk(AddressesPerQuery))
            {
                await using var command = connection.CreateCommand();
                var ids = new List<string>();
                foreach (var (address, from) in chunk)
                {
                    for (var generation = from; generation < from + Generations; generation++)
                    {
                        if (TryParseId(StixIdentifiers.Indicator(address, generation), out var uuid))
                        {
                            AddParameter(command, "@u" + ids.Count, uuid);
                            ids.Add("@u" + ids.Count);
                        }
                    }
                }

                command.CommandText = HeadColumns + $" WHERE (flags & {Last}) <> 0 AND object_uuid IN ({string.Join(", ", ids.DefaultIfEmpty("NULL"))})";
                var lastAsked = chunk.ToDictionary(a => a.Address, a => a.From + Generations - 1, StringComparer.Ordinal);
                await ReadHeadsAsync(command, head =>
                {
                    if (lastAsked.TryGetValue(head.Address, out var last) && head.Generation == last)
                    {
                        further.Add((head.Address, last + 1));
                    }

                    add(head);
                }, cancellationToken);
            }

            asked = further;
        }
    }

    // A head's columns, nulls resolved by the engine: a column read costs a native call (and a handle reference) per row.
    private const string HeadColumns = """
        SELECT address, coalesce(generation, 0), coalesce(created, modified), modified, coalesce(valid_until, 0),
               coalesce(confidence, 0), coalesce(labels, -1), coalesce(techniques, -1), flags
        FROM taxii_log
        """;

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private async Task ReadHeadsAsync(DbCommand command, Action<StoredIndicatorHead> add, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var flags = reader.GetInt32(8);
            var head = new StoredIndicatorHead(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.GetInt32(5), string.Empty, string.Empty, (flags & Revoked) != 0, (flags & InHigh) != 0);
            var (labels, techniques) = (reader.GetInt64(6), reader.GetInt64(7));
            if (labels >= 0 && techniques >= 0)
            {
                if (!_texts.ContainsKey(labels) || !_texts.ContainsKey(techniques))
                {
                    // Not cached yet (the first load, or another node published it since): read them all again, on a
                    // connection of its own (this one is reading).
                    await using var other = await open(cancellationToken);
                    await LoadTextsAsync(other, cancellationToken);
                }

                head = head with { Labels = _texts[labels], Techniques = _texts[techniques] };
            }

            add(head);
        }
    }

    public async Task<long> LastDateAddedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await open(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT max(date_added) FROM taxii_log", cancellationToken: cancellationToken)) ?? 0;
    }

    public async Task AppendAsync(IReadOnlyList<StixVersion> versions, CancellationToken cancellationToken)
    {
        var rows = RowsOf(versions);
        await using var writer = await beginAppend(cancellationToken);
        var made = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.Labels is not null)
            {
                row.LabelsId = await TextIdAsync(writer, row.Labels, made, cancellationToken);
                row.TechniquesId = await TextIdAsync(writer, row.Techniques!, made, cancellationToken);
            }

            if ((row.Flags & FirstInAll) == 0)
            {
                await writer.UnmarkLastAsync(row.ObjectUuid, cancellationToken);
            }

            await writer.InsertAsync(new TaxiiLogRow(row.DateAdded, row.ObjectUuid, row.Flags, row.Modified, row.Created, row.ValidFrom,
                row.ValidUntil, row.Confidence, row.Generation, row.Address, row.LabelsId, row.TechniquesId, row.ObjectType, row.Body), cancellationToken);
        }

        await writer.CommitAsync(cancellationToken);
        foreach (var (text, id) in made)
        {
            _textIds[text] = id;
            _texts[id] = text;
        }
    }

    // Known texts (nearly every row's) answer without a task allocated per call: a ValueTask, awaited only for a new text.
    private ValueTask<long> TextIdAsync(ITaxiiLogWriter writer, string text, Dictionary<string, long> made, CancellationToken cancellationToken)
    {
        return _textIds.TryGetValue(text, out var id) || made.TryGetValue(text, out id) ? ValueTask.FromResult(id) : Insert();

        async ValueTask<long> Insert()
        {
            var inserted = await writer.TextIdAsync(text, cancellationToken);
            made[text] = inserted;
            return inserted;
        }
    }

    /// <summary>Caches every text of taxii_texts (a few hundred: they come from categories).</summary>
    private async Task LoadTextsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        foreach (var (id, text) in await connection.QueryAsync<(long, string)>(new CommandDefinition(
            "SELECT id, text FROM taxii_texts", cancellationToken: cancellationToken)))
        {
            _texts[id] = text;
            _textIds[text] = id;
        }
    }

    /// <summary>Fills in the label and technique texts of rows; ids this node has not seen yet (another node wrote them) reload the table.</summary>
    private async Task ResolveTextsAsync(DbConnection connection, IEnumerable<Row> rows, CancellationToken cancellationToken)
    {
        var reloaded = false;
        foreach (var row in rows)
        {
            if (row.LabelsId is not { } labels || row.TechniquesId is not { } techniques)
            {
                continue;
            }

            if (!reloaded && (!_texts.ContainsKey(labels) || !_texts.ContainsKey(techniques)))
            {
                await LoadTextsAsync(connection, cancellationToken);
                reloaded = true;
            }

            row.Labels = _texts[labels];
            row.Techniques = _texts[techniques];
        }
    }

    public async Task<IReadOnlyList<StixVersion>> QueryAsync(StixVersionQuery query, CancellationToken cancellationToken)
    {
        var high = query.Collection == StixCollection.HighConfidence;
        var sql = new StringBuilder(Select).Append(high ? $" WHERE (flags & {InHigh}) <> 0" : " WHERE 1 = 1");
        var parameters = new DynamicParameters();
        if (query.AddedAfter is { } after)
        {
            sql.Append(" AND date_added > @after");
            parameters.Add("after", after);
        }

        if (query.Ids is { } ids)
        {
            // An id matches by its UUID and its type; an id of another shape matches nothing.
            var alternatives = new List<string>();
            foreach (var id in ids)
            {
                if (TryParseId(id, out var type, out var uuid))
                {
                    var n = alternatives.Count;
                    alternatives.Add($"(object_uuid = @id{n} AND coalesce(object_type, 'indicator') = @type{n})");
                    parameters.Add("id" + n, uuid);
                    parameters.Add("type" + n, type);
                }
            }

            sql.Append(" AND (").AppendJoin(" OR ", alternatives.DefaultIfEmpty("1 = 0")).Append(')');
        }

        if (query.Types is { } types)
        {
            sql.Append(" AND ").Append(InList("coalesce(object_type, 'indicator')", "types"));
            parameters.Add("types", types.ToArray());
        }

        var versions = query.Versions;
        if (!versions.All)
        {
            var alternatives = new List<string>();
            if (versions.Last)
            {
                alternatives.Add($"(flags & {Last}) <> 0");
            }

            if (versions.First)
            {
                alternatives.Add($"(flags & {(high ? FirstInHigh : FirstInAll)}) <> 0");
            }

            if (versions.Modified.Count > 0)
            {
                alternatives.Add(InList("modified", "modified"));
                parameters.Add("modified", versions.Modified.ToArray());
            }

            sql.Append(" AND (").AppendJoin(" OR ", alternatives).Append(')');
        }

        sql.Append(" ORDER BY date_added LIMIT @limit OFFSET @offset");
        parameters.Add("limit", query.Limit);
        parameters.Add("offset", query.Offset);

        await using var connection = await open(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken))).AsList();
        await ResolveTextsAsync(connection, rows, cancellationToken);
        return [.. rows.Select(r => VersionOf(r, query.Collection))];
    }

    // PostgreSQL takes a list as one array parameter; elsewhere Dapper spells the list out.
    private string InList(string expression, string parameter)
        => arrayParameters ? $"{expression} = ANY(@{parameter})" : $"{expression} IN @{parameter}";

    /// <summary>One row per version: the high-confidence copies of a call's versions fold into their all-collection rows.</summary>
    private static List<Row> RowsOf(IReadOnlyList<StixVersion> versions)
    {
        var rows = new List<Row>(versions.Count);
        var byDateAdded = new Dictionary<long, Row>();
        foreach (var version in versions.OrderBy(v => v.Collection))
        {
            if (version.Collection == StixCollection.HighConfidence)
            {
                if (!byDateAdded.TryGetValue(version.DateAdded, out var row))
                {
                    throw new InvalidOperationException($"Version {version.DateAdded} of {version.ObjectId} is in the high-confidence collection only.");
                }

                row.Flags |= InHigh | (version.IsFirst ? FirstInHigh : 0);
                continue;
            }

            if (!TryParseId(version.ObjectId, out var uuid))
            {
                throw new ArgumentException($"'{version.ObjectId}' is not a STIX id.", nameof(versions));
            }

            var indicator = version.StoredBody is null ? version.Indicator : null;
            var added = new Row
            {
                DateAdded = version.DateAdded,
                ObjectUuid = uuid,
                Flags = Last | (version.IsFirst ? FirstInAll : 0) | (indicator is { Revoked: true } ? Revoked : 0),
                Modified = version.Modified,
                Created = indicator is null || indicator.Created == version.Modified ? null : indicator.Created,
                ValidFrom = indicator is null || indicator.ValidFrom == indicator.Created ? null : indicator.ValidFrom,
                ValidUntil = indicator?.ValidUntil,
                Confidence = indicator?.Confidence,
                Generation = indicator?.Generation,
                Address = indicator?.Address,
                Labels = indicator?.Labels,
                Techniques = indicator?.Techniques,
                ObjectType = indicator is null ? version.ObjectType : null,
                Body = version.StoredBody,
            };
            byDateAdded.Add(version.DateAdded, added);
            rows.Add(added);
        }

        // The publisher appends in date_added order; the is_last bookkeeping relies on it within a call too.
        rows.Sort((a, b) => a.DateAdded.CompareTo(b.DateAdded));
        return rows;
    }

    private static StixVersion VersionOf(Row row, StixCollection collection)
    {
        var id = IdOf(row);
        var isFirst = (row.Flags & (collection == StixCollection.HighConfidence ? FirstInHigh : FirstInAll)) != 0;
        var indicator = row.Address is null ? null : HeadOf(row, id);
        return new StixVersion(collection, row.DateAdded, id, row.ObjectType ?? "indicator", row.Modified, isFirst, row.Body, indicator);
    }

    private static string IdOf(Row row) => (row.ObjectType ?? "indicator") + "--" + new Guid(row.ObjectUuid, bigEndian: true).ToString("D");

    private static IndicatorHead HeadOf(Row row, string id)
    {
        var created = row.Created ?? row.Modified;
        var confidence = row.Confidence ?? 0;
        return new IndicatorHead(row.Address!, id, row.Generation ?? 0, created, row.Modified, row.ValidFrom ?? created, row.ValidUntil ?? 0,
            ScoreBand.Of(confidence), confidence, row.Labels ?? string.Empty, row.Techniques ?? string.Empty, (row.Flags & Revoked) != 0,
            (row.Flags & InHigh) != 0);
    }

    /// <summary>A STIX id (<c>type--uuid</c>) as its type and its UUID's 16 bytes in RFC order (the order the text spells).</summary>
    private static bool TryParseId(string id, out string type, out byte[] uuid)
    {
        var separator = id.IndexOf("--", StringComparison.Ordinal);
        type = TryParseId(id, out uuid) ? id[..separator] : string.Empty;
        return type.Length > 0;
    }

    // The uuid of an id (every version appended parses one: no text is made for it).
    private static bool TryParseId(string id, out byte[] uuid)
    {
        uuid = [];
        var separator = id.IndexOf("--", StringComparison.Ordinal);
        Span<char> canonical = stackalloc char[36];
        // Only the lower-case spelling is an id this log ever wrote (ids compare as text).
        if (separator <= 0 || !Guid.TryParseExact(id.AsSpan(separator + 2), "D", out var guid)
            || !guid.TryFormat(canonical, out _, "D") || !id.AsSpan(separator + 2).SequenceEqual(canonical))
        {
            return false;
        }

        uuid = guid.ToByteArray(bigEndian: true);
        return true;
    }
}
