using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Palisade.Cli.Client;

/// <summary>
/// <c>palisade taxii collections | objects &lt;collection&gt;</c>: the server's TAXII 2.1 feed with the key as Bearer,
/// following <c>next</c> with --all.
/// </summary>
internal static class TaxiiClientCommand
{
    private const string TaxiiMediaType = "application/taxii+json;version=2.1";
    private const string ApiRoot = "/taxii2/palisade";

    public static Command Create()
    {
        var command = ClientConnectionOptions.CreateCommand("taxii", "Read the TAXII 2.1 feed (without a subcommand: list the collections).",
            (connection, _) => (parse, client, cancellationToken) => CollectionsAsync(client, parse.GetValue(connection.Json), cancellationToken));
        command.Subcommands.Add(ClientConnectionOptions.CreateCommand("collections", "List the collections: ids, aliases and titles.",
            (connection, _) => (parse, client, cancellationToken) => CollectionsAsync(client, parse.GetValue(connection.Json), cancellationToken)));
        command.Subcommands.Add(Objects());
        return command;
    }

    private static async Task<int> CollectionsAsync(PalisadeApiClient client, bool json, CancellationToken cancellationToken)
    {
        var answer = await client.GetAsync(ApiRoot + "/collections/", cancellationToken, TaxiiMediaType);
        if (json)
        {
            await ClientOutput.WriteRawAsync(answer.Body, cancellationToken);
            return ClientExitCodes.Success;
        }

        using var document = answer.Json();
        Console.WriteLine($"{"ID",-38} {"ALIAS",-22} TITLE");
        foreach (var collection in document.RootElement.Items("collections"))
        {
            Console.WriteLine($"{collection.Text("id"),-38} {collection.Text("alias") ?? "",-22} {collection.Text("title")}");
        }

        return ClientExitCodes.Success;
    }

    private static Command Objects() => ClientConnectionOptions.CreateCommand("objects", "List a collection's objects, a page at a time or --all.", (connection, command) =>
    {
        var collection = new Argument<string>("collection") { Description = "A collection id or alias (sikker-threat-intel, high-confidence)." };
        var addedAfter = new Option<string?>("--added-after") { Description = "Only objects added after this time (X-TAXII-Date-Added-Last of an earlier poll)." };
        var limit = new Option<int?>("--limit") { Description = "Objects per page (the server caps it, default 1000)." };
        var all = new Option<bool>("--all") { Description = "Follow 'next' until the last page." };
        var next = new Option<string?>("--next") { Description = "Continue from the 'next' of an earlier page." };
        command.Arguments.Add(collection);
        command.Options.Add(addedAfter);
        command.Options.Add(limit);
        command.Options.Add(all);
        command.Options.Add(next);
        return async (parse, client, cancellationToken) =>
        {
            var id = parse.GetValue(collection)!;
            if (id.Length is 0 or > 100 || id.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.'))
            {
                throw ClientFailureException.Usage($"'{id}' is not a collection id or alias; see: palisade taxii collections");
            }

            var query = new QueryBuilder();
            if (parse.GetValue(limit) is { } size)
            {
                if (size < 1)
                {
                    throw ClientFailureException.Usage("--limit must be a positive number.");
                }

                query.Add("limit", size.ToString(CultureInfo.InvariantCulture));
            }

            if (parse.GetValue(addedAfter) is { } after)
            {
                if (!DateTimeOffset.TryParse(after, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                {
                    throw ClientFailureException.Usage("--added-after must be a time such as 2026-11-23T13:48:34.120512Z.");
                }

                query.Add("added_after", after);
            }

            var baseQuery = query.ToString();
            var path = $"{ApiRoot}/collections/{Uri.EscapeDataString(id)}/objects/";
            var json = parse.GetValue(connection.Json);
            var followAll = parse.GetValue(all);
            var cursor = parse.GetValue(next);
            await using var stdout = Console.OpenStandardOutput();
            await using var writer = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = false });
            var objects = 0;
            var pages = 0;
            string? lastAdded = null;
            ApiAnswer answer;
            bool more;
            while (true)
            {
                var pageQuery = cursor is null ? baseQuery : baseQuery + (baseQuery.Length == 0 ? "?" : "&") + "next=" + Uri.EscapeDataString(cursor);
                answer = await client.GetAsync(path + pageQuery, cancellationToken, TaxiiMediaType);
                pages++;
                lastAdded = answer.Header("X-TAXII-Date-Added-Last") ?? lastAdded;
                if (json && !followAll)
                {
                    await ClientOutput.WriteRawAsync(answer.Body, cancellationToken);
                    return ClientExitCodes.Success;
                }

                using var document = answer.Json();
                var page = document.RootElement;
                if (json && pages == 1)
                {
                    // --all --json: one envelope holding every page's objects, written as they arrive.
                    writer.WriteStartObject();
                    writer.WriteBoolean("more", false);
                    writer.WriteStartArray("objects");
                }

                foreach (var stix in page.Items("objects"))
                {
                    objects++;
                    if (json)
                    {
                        stix.WriteTo(writer);
                    }
                    else
                    {
                        Console.WriteLine(Describe(stix));
                    }
                }

                await writer.FlushAsync(cancellationToken);
                more = page.Flag("more");
                cursor = page.Text("next");
                if (!followAll || !more || cursor is null)
                {
                    break;
                }
            }

            if (json)
            {
                writer.WriteEndArray();
                writer.WriteEndObject();
                await writer.FlushAsync(cancellationToken);
                await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
                return ClientExitCodes.Success;
            }

            Console.WriteLine($"{objects:N0} objects in {pages} page{(pages == 1 ? "" : "s")}.");
            if (more && cursor is not null)
            {
                Console.WriteLine($"More: palisade taxii objects {id} --next {cursor}   (or --all)");
            }

            if (lastAdded is not null)
            {
                Console.WriteLine($"Last added: {lastAdded}   (poll for newer ones with --added-after {lastAdded})");
            }

            ClientOutput.WriteQuota(answer);
            return ClientExitCodes.Success;
        };
    });

    private static string Describe(JsonElement stix)
    {
        var type = stix.Text("type");
        if (type != "indicator")
        {
            return $"{type,-18} {stix.Text("id")}  {stix.Text("name")}";
        }

        var pattern = stix.Text("pattern") ?? string.Empty;
        var start = pattern.IndexOf('\'', StringComparison.Ordinal);
        var end = pattern.LastIndexOf('\'');
        var value = start >= 0 && end > start ? pattern[(start + 1)..end] : pattern;
        var labels = string.Join(",", stix.Items("labels").Select(l => l.Safe()));
        var revoked = stix.Flag("revoked") ? "  REVOKED" : "";
        return $"{value,-39} {stix.Number("confidence"),3}  {labels}  until {stix.Text("valid_until")}  {stix.Text("id")}{revoked}";
    }
}
