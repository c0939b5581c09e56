using System.Data.Common;
using System.Net;
using System.Text.Json;
using Palisade.Core.Categories;
using Palisade.Core.Stix;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.Taxii;

/// <summary>
/// How the version log is kept (issue 15): an indicator version is stored as its fields and rendered when read, so
/// what a consumer gets must not change across restarts or from a log written by the previous layout (JSON per row).
/// </summary>
public sealed class TaxiiStorageTests : IAsyncLifetime
{
    private const string Low = "81.10.30.1";
    private const string High = "81.10.30.2";

    private static readonly string HighObjects = TaxiiHttp.Root + "collections/" + TaxiiHttp.HighCollectionId + "/objects/";

    // Every view a consumer can page, with a limit large enough that no cursor (which is signed anew) is in the answer.
    private static readonly string[] Views =
    [
        TaxiiHttp.Objects + "?limit=1000",
        TaxiiHttp.Objects + "?limit=1000&match[version]=all",
        TaxiiHttp.Objects + "?limit=1000&match[version]=first",
        TaxiiHttp.Manifest + "?limit=1000&match[version]=all",
        HighObjects + "?limit=1000&match[version]=all",
        HighObjects + "?limit=1000&match[version]=first",
    ];

    private PalisadeHost _host = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _host = await PalisadeHost.StartAsync();
        _host.KeepData();
        _key = await _host.CreateKeyAsync("enterprise");
        var data = await TaxiiTestData.CreateAsync(_host);
        await data.ReportManyAsync([.. Enumerable.Range(0, 40).Select(TaxiiTestData.Address)]);
        await data.ReportAsync(Low, CategoryCatalog.BruteForce, "ssh");
        await PageAsync(TaxiiHttp.Objects); // published: the next report makes a second version
        await data.ReportAsync(Low, CategoryCatalog.PortScan, null);
        foreach (var (category, protocol) in new[] { (CategoryCatalog.ExploitedHost, "telnet"), (CategoryCatalog.Malware, "http"), (CategoryCatalog.BruteForce, "ssh"), (CategoryCatalog.WebExploit, "http") })
        {
            await data.ReportAsync(High, category, protocol);
            await PageAsync(TaxiiHttp.Objects);
        }
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        TempDirectory.Delete(_host.DataDirectory);
    }

    [Fact]
    public async Task Every_page_read_after_a_restart_is_byte_for_byte_the_page_before()
    {
        var before = await ViewsAsync();
        Assert.Contains(IndicatorIdOf(High), before[4], StringComparison.Ordinal);

        await RestartAsync();

        Assert.Equal(before, await ViewsAsync());
    }

    [Fact]
    public async Task An_indicator_version_is_stored_as_a_few_fields_not_as_its_json()
    {
        var page = await PageAsync(TaxiiHttp.Objects + "?limit=1000&match[version]=all");
        var indicators = ObjectsOf(page).Count(o => o.GetProperty("type").GetString() == "indicator");

        await using var connection = await OpenDatabaseAsync();
        var (rows, bodies, bytes) = await ScalarsAsync(connection, """
            SELECT count(*), count(body),
                   sum(length(object_uuid) + length(address) + coalesce(length(body), 0))
            FROM taxii_log WHERE address IS NOT NULL
            """);

        // One row per version (the high-confidence copies are a flag), no JSON (the JSON alone was about 900 bytes): the
        // address and a 16-byte id are the only strings; labels and techniques are ids of shared texts.
        Assert.Equal(indicators, rows);
        Assert.Equal(0, bodies);
        Assert.True(bytes / rows < 40, $"{bytes / rows} bytes of text and blob per indicator version");
    }

    [Fact]
    public async Task A_log_written_by_the_previous_layout_is_served_as_it_was_and_carries_on()
    {
        var before = await ViewsAsync();
        var all = await LegacyRowsAsync(TaxiiHttp.Objects, StixCollection.All);
        var high = await LegacyRowsAsync(HighObjects, StixCollection.HighConfidence);
        Assert.Equal(2, all.Count(r => r.ObjectId == IndicatorIdOf(Low)));
        Assert.Contains(high, r => r.ObjectId == IndicatorIdOf(High));

        // The first version of Low as an older release wrote it: a stored body is served as stored, not re-rendered.
        var first = all.First(r => r.ObjectId == IndicatorIdOf(Low));
        var older = first.Body.Replace("Listed by Palisade.", "Listed by Palisade (an older release).", StringComparison.Ordinal);
        Assert.NotEqual(first.Body, older);
        all = [.. all.Select(r => r == first ? r with { Body = older } : r)];

        await _host.StopAsync();
        await using (var connection = await OpenDatabaseAsync())
        {
            await WritePreviousLayoutAsync(connection, [.. all, .. high]);
        }

        await StartAsync();
        var after = await ViewsAsync();
        Assert.Equal([.. before.Select(page => page.Replace(first.Body, older, StringComparison.Ordinal))], after);
        Assert.Contains(older, after[1], StringComparison.Ordinal);

        // The heads came through the migration: a new behaviour makes a third version of the same object.
        var data = await TaxiiTestData.CreateAsync(_host);
        await data.ReportAsync(Low, CategoryCatalog.WebExploit, "http");
        var versions = Indicators(await PageAsync(TaxiiHttp.Objects + "?limit=1000&match[version]=all"), Low);
        Assert.Equal(3, versions.Length);
        Assert.All(versions, v => Assert.Equal(IndicatorIdOf(Low), v.GetProperty("id").GetString()));
        Assert.Equal(versions[0].GetProperty("created").GetString(), versions[2].GetProperty("created").GetString());
        Assert.Contains("http:web_exploit", versions[2].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var last = Assert.Single(Indicators(await PageAsync(TaxiiHttp.Objects + "?limit=1000"), Low));
        Assert.Equal(versions[2].GetProperty("modified").GetString(), last.GetProperty("modified").GetString());
        Assert.Single(Indicators(await PageAsync(TaxiiHttp.Objects + "?limit=1000&match[version]=first"), Low));
    }

    [Fact]
    public async Task A_page_of_latest_versions_starts_at_its_first_row_not_after_every_superseded_version_before_it()
    {
        // A poll's default view is each object's latest version. Once the feed has updated its indicators, the oldest
        // rows are all superseded: at ten million addresses the first page scanned 1.6 million of them (~200 ms).
        await using var connection = await OpenDatabaseAsync();
        await using var command = connection.CreateCommand();
        if (TestBackend.IsPostgres)
        {
            command.CommandText = "SELECT indexdef FROM pg_indexes WHERE tablename = 'taxii_log' AND indexname = 'taxii_log_last'";
            Assert.Contains("(date_added) WHERE ((flags & 8) <> 0)", (string?)await command.ExecuteScalarAsync(), StringComparison.Ordinal);
            return;
        }

        // The statement SqlTaxiiLog makes for a page of the latest versions.
        command.CommandText = "EXPLAIN QUERY PLAN SELECT date_added FROM taxii_log WHERE 1 = 1 AND ((flags & 8) <> 0) ORDER BY date_added LIMIT 1000 OFFSET 0";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("SCAN taxii_log USING INDEX taxii_log_last", reader.GetString(3));
    }

    [Fact]
    public async Task A_node_that_reads_only_the_versions_added_since_its_last_load_holds_the_heads_a_full_load_reads()
    {
        // A node that does not publish refreshes its heads every few seconds: ten million read again each time would keep
        // it and the database busy. It reads what was added since, in order, over what it holds.
        var store = _host.Service<ITaxiiStore>();
        var mark = await store.LastDateAddedAsync(CancellationToken.None);
        var followed = await HeadsAsync(store, 0, []);
        Assert.Equal(42, followed.Count);

        // Since: a third version of Low, a new address, High revoked (whitelisted), then listed again under a new object.
        var data = await TaxiiTestData.CreateAsync(_host);
        await data.ReportAsync(Low, CategoryCatalog.WebExploit, "http");
        await data.ReportAsync("81.10.30.3", CategoryCatalog.PortScan, null);
        await PageAsync(TaxiiHttp.Objects);
        var whitelist = _host.Service<Palisade.Core.Whitelisting.WhitelistProvider>();
        whitelist.SetOperatorEntries([new Palisade.Core.Whitelisting.WhitelistEntry(IPNetwork.Parse(High + "/32"), "test", 0, "operator")]);
        await PageAsync(TaxiiHttp.Objects);
        Assert.True((await HeadsAsync(store, mark, []))[High].Revoked);
        whitelist.SetOperatorEntries([]);
        await PageAsync(TaxiiHttp.Objects);

        followed = await HeadsAsync(store, mark, followed);
        Assert.Equal(await HeadsAsync(store, 0, []), followed);
        Assert.Equal(43, followed.Count);
        Assert.Contains("http:web_exploit", followed[Low].Labels, StringComparison.Ordinal);
        Assert.False(followed[High].Revoked);
        Assert.Equal(1, followed[High].Generation);
        Assert.Empty(await HeadsAsync(store, await store.LastDateAddedAsync(CancellationToken.None), [])); // nothing read twice
    }

    [Fact]
    public async Task Heads_read_by_address_are_the_last_version_of_each_of_their_objects_whatever_the_generation()
    {
        // A poll during the heads load after a restart reads the heads of the addresses it publishes by their object ids,
        // which derive from address and generation: eight generations are asked at a time.
        var store = _host.Service<ITaxiiStore>();
        var whitelist = _host.Service<Palisade.Core.Whitelisting.WhitelistProvider>();
        for (var relisting = 0; relisting < 8; relisting++)
        {
            whitelist.SetOperatorEntries([new Palisade.Core.Whitelisting.WhitelistEntry(IPNetwork.Parse(High + "/32"), "test", 0, "operator")]);
            await PageAsync(TaxiiHttp.Objects);
            whitelist.SetOperatorEntries([]);
            await PageAsync(TaxiiHttp.Objects);
        }

        var read = new List<StoredIndicatorHead>();
        await store.LoadHeadsAsync([Low, High, "81.10.30.99"], read.Add, CancellationToken.None);

        var full = await HeadsAsync(store, 0, []);
        var high = read.Where(h => h.Address == High).ToList();
        Assert.Equal(Enumerable.Range(0, 9), high.Select(h => h.Generation).Order());
        Assert.All(high.Where(h => h.Generation < 8), h => Assert.True(h.Revoked));
        Assert.Equal(full[High], high.MaxBy(h => h.Generation));
        Assert.Equal(full[Low], Assert.Single(read, h => h.Address == Low));
        Assert.DoesNotContain(read, h => h.Address == "81.10.30.99");
    }

    [Fact]
    public async Task A_large_append_holding_several_versions_of_an_object_leaves_only_its_latest_marked_last()
    {
        // PostgreSQL's writer sends an append set at a time (8,192 rows per COPY, the flags it supersedes cleared before):
        // versions of one object in the same append, on both sides of a flush, of an object stored before and in the next
        // append must leave what row-by-row statements leave: one last version per object, its latest.
        var store = _host.Service<ITaxiiStore>();
        var next = await store.LastDateAddedAsync(CancellationToken.None);
        var versions = new List<StixVersion>();
        void Add(string address, bool isFirst)
        {
            next++;
            var id = StixIdentifiers.Indicator(address, 0);
            var head = new IndicatorHead(address, id, 0, 1_790_000_000_000, 1_790_000_000_000 + versions.Count, 1_790_000_000_000,
                1_800_000_000_000, 2, 60, "ssh:brute_force", "T1110", Revoked: false, InHighConfidence: false);
            versions.Add(StixVersion.Of(StixCollection.All, next, head, isFirst));
        }

        static string Many(int i) => $"10.{i / 250}.{i % 250}.7";
        for (var i = 0; i < 10_000; i++)
        {
            Add(Many(i), isFirst: true);
        }

        Add(Many(0), isFirst: false); // its first version went in the first COPY
        Add(Many(0), isFirst: false);
        Add(Many(9_999), isFirst: false); // its first version waits in the same COPY
        Add(Low, isFirst: false); // stored before this append
        await store.AppendAsync(versions, CancellationToken.None);
        versions.Clear();
        Add(Many(0), isFirst: false);
        Add(Many(5), isFirst: false);
        await store.AppendAsync(versions, CancellationToken.None);

        await using var connection = await OpenDatabaseAsync();
        var (objects, wrong, lastVersions) = await ScalarsAsync(connection, """
            SELECT count(*), coalesce(sum(CASE WHEN lasts <> 1 OR marked <> latest THEN 1 ELSE 0 END), 0), coalesce(sum(versions), 0)
            FROM (SELECT object_uuid, count(*) AS versions, max(date_added) AS latest,
                         sum(CASE WHEN (flags & 8) <> 0 THEN 1 ELSE 0 END) AS lasts,
                         max(CASE WHEN (flags & 8) <> 0 THEN date_added END) AS marked
                  FROM taxii_log GROUP BY object_uuid) t
            """);
        Assert.Equal(0, wrong);
        Assert.True(objects >= 10_040, $"{objects} objects");
        Assert.True(lastVersions >= 10_006, $"{lastVersions} versions");

        var heads = await HeadsAsync(store, 0, []);
        Assert.Equal(1_790_000_000_000 + 0, heads[Many(0)].Modified); // the second append's first version
        Assert.Equal(1_790_000_000_000 + 1, heads[Many(5)].Modified);
        Assert.Equal(1_790_000_000_000 + 10_002, heads[Many(9_999)].Modified);
        Assert.Equal(1_790_000_000_000 + 10_003, heads[Low].Modified);
    }

    /// <summary>Heads as the publisher applies what the store hands it: the highest generation wins, an equal one replaces.</summary>
    private static async Task<Dictionary<string, StoredIndicatorHead>> HeadsAsync(ITaxiiStore store, long after, Dictionary<string, StoredIndicatorHead> heads)
    {
        await store.LoadHeadsAsync(
            after,
            head =>
            {
                if (!heads.TryGetValue(head.Address, out var other) || other.Generation <= head.Generation)
                {
                    heads[head.Address] = head;
                }
            },
            CancellationToken.None);
        return heads;
    }

    /// <summary>The number of the migration that made taxii_log (migrations are append-only: it stays that number).</summary>
    private static int CompactLogMigration
        => Array.FindIndex(TestBackend.IsPostgres ? Palisade.Storage.Postgres.PostgresMigrations.Steps : Palisade.Storage.Sqlite.SqliteMigrations.Steps,
            step => step.Contains("CREATE TABLE taxii_log", StringComparison.Ordinal)) + 1;

    private sealed record LegacyRow(StixCollection Collection, long DateAdded, string ObjectId, long Modified, bool IsFirst, bool IsLast, string Body);

    private static string IndicatorIdOf(string address) => StixIdentifiers.Indicator(address, 0);

    private static JsonElement[] Indicators(string page, string address)
        => [.. ObjectsOf(page).Where(o => o.GetProperty("id").GetString() == IndicatorIdOf(address))];

    /// <summary>The objects of a page as <see cref="PageAsync"/> returns it (its date headers, then its body).</summary>
    private static JsonElement[] ObjectsOf(string page) => TaxiiHttp.ObjectsOf(JsonDocument.Parse(page[page.IndexOf('{', StringComparison.Ordinal)..]).RootElement);

    private async Task<string> PageAsync(string path)
    {
        using var client = TaxiiHttp.BasicClient(_host, _key);
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return TaxiiHttp.Header(response, "X-TAXII-Date-Added-First") + " " + TaxiiHttp.Header(response, "X-TAXII-Date-Added-Last") + " "
            + await response.Content.ReadAsStringAsync();
    }

    private async Task<string[]> ViewsAsync()
    {
        var pages = new List<string>();
        foreach (var view in Views)
        {
            pages.Add(await PageAsync(view));
        }

        return [.. pages];
    }

    private async Task RestartAsync()
    {
        await _host.StopAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        _host = await PalisadeHost.StartAsync(_host.DataDirectory);
        _host.KeepData();
    }

    /// <summary>The rows the previous layout held for a collection, from what the server serves: the objects and the manifest.</summary>
    private async Task<List<LegacyRow>> LegacyRowsAsync(string objectsPath, StixCollection collection)
    {
        var objects = await PageAsync(objectsPath + "?limit=1000&match[version]=all");
        var manifest = await PageAsync(objectsPath.Replace("/objects/", "/manifest/", StringComparison.Ordinal) + "?limit=1000&match[version]=all");
        var bodies = ObjectsOf(objects);
        var entries = ObjectsOf(manifest);
        Assert.Equal(bodies.Length, entries.Length);
        var rows = new List<LegacyRow>();
        for (var i = 0; i < entries.Length; i++)
        {
            var id = entries[i].GetProperty("id").GetString()!;
            Assert.True(StixTimestamp.TryParseMicroseconds(entries[i].GetProperty("date_added").GetString(), out var dateAdded));
            Assert.True(StixTimestamp.TryParseMicroseconds(entries[i].GetProperty("version").GetString(), out var modified));
            rows.Add(new LegacyRow(collection, dateAdded, id, modified / 1000, !rows.Any(r => r.ObjectId == id),
                !entries.Skip(i + 1).Any(e => e.GetProperty("id").GetString() == id), bodies[i].GetRawText()));
        }

        return rows;
    }

    /// <summary>Puts the log back as the previous schema kept it (taxii_versions with JSON, taxii_heads): the migration that
    /// made taxii_log and those after it undone.</summary>
    private static async Task WritePreviousLayoutAsync(DbConnection connection, IReadOnlyList<LegacyRow> rows)
    {
        var heads = new List<object?[]>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = """
                SELECT address, object_uuid, generation, coalesce(created, modified), modified, coalesce(valid_from, created, modified), valid_until, confidence,
                       (SELECT t.text FROM taxii_texts t WHERE t.id = taxii_log.labels), (SELECT t.text FROM taxii_texts t WHERE t.id = taxii_log.techniques), flags
                FROM taxii_log WHERE (flags & 8) <> 0 AND address IS NOT NULL
                """;
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var flags = Convert.ToInt32(reader.GetValue(10), System.Globalization.CultureInfo.InvariantCulture);
                var confidence = Convert.ToInt32(reader.GetValue(7), System.Globalization.CultureInfo.InvariantCulture);
                heads.Add([reader.GetString(0), "indicator--" + new Guid((byte[])reader.GetValue(1), bigEndian: true).ToString("D"),
                    Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), reader.GetInt64(3), reader.GetInt64(4),
                    reader.GetInt64(5), reader.GetInt64(6), ScoreBand.Of(confidence), confidence, reader.GetString(8), reader.GetString(9),
                    (flags & 16) != 0, (flags & 2) != 0]);
            }
        }

        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, transaction, """
            DROP TABLE taxii_log;
            DROP TABLE taxii_texts;
            DELETE FROM schema_version WHERE version >= @p0;
            CREATE TABLE taxii_heads (
                address text PRIMARY KEY, object_id text NOT NULL, generation integer NOT NULL, created bigint NOT NULL, modified bigint NOT NULL,
                valid_from bigint NOT NULL, valid_until bigint NOT NULL, band integer NOT NULL, confidence integer NOT NULL, labels text NOT NULL,
                techniques text NOT NULL, revoked boolean NOT NULL, in_high boolean NOT NULL);
            CREATE TABLE taxii_versions (
                collection integer NOT NULL, date_added bigint NOT NULL, object_id text NOT NULL, object_type text NOT NULL, modified bigint NOT NULL,
                is_first boolean NOT NULL, is_last boolean NOT NULL, body text NOT NULL, PRIMARY KEY (collection, date_added));
            """, CompactLogMigration);
        foreach (var head in heads)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO taxii_heads (address, object_id, generation, created, modified, valid_from, valid_until, band, confidence, labels, techniques, revoked, in_high)
                VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12)
                """, head);
        }

        foreach (var row in rows)
        {
            await ExecuteAsync(connection, transaction, """
                INSERT INTO taxii_versions (collection, date_added, object_id, object_type, modified, is_first, is_last, body)
                VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7)
                """, (int)row.Collection, row.DateAdded, row.ObjectId, row.ObjectId[..row.ObjectId.IndexOf("--", StringComparison.Ordinal)], row.Modified,
                row.IsFirst, row.IsLast, row.Body);
        }

        await transaction.CommitAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, params object?[] values)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "p" + i;
            parameter.Value = values[i];
            command.Parameters.Add(parameter);
        }

        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(long, long, long)> ScalarsAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
    }

    private Task<DbConnection> OpenDatabaseAsync() => TestBackend.OpenDatabaseAsync(_host.DataDirectory);
}
