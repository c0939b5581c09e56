using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Palisade.Core.Blocklists;
using Palisade.Core.Categories;
using Microsoft.Extensions.Options;
using Palisade.Server.CrowdSec.Contracts;

namespace Palisade.Server.CrowdSec;

/// <summary>
/// Turns blocklist entries into LAPI decisions, and answers live lookups (<c>GET /v1/decisions?ip=</c>) directly: the
/// engine reads the address's entry at its slot in the current snapshot (<see cref="BlocklistEngine.TryFind"/>), and the
/// threshold is applied to that one entry; no selection, scan, key string or map is built per request or per snapshot.
/// </summary>
internal sealed class CrowdSecDecisions(IOptions<CrowdSecOptions> options)
{
    public const string Origin = "palisade";

    /// <summary>The decision list's selection: every address at or above <see cref="CrowdSecOptions.MinimumScore"/>.</summary>
    public BlocklistQuery Query { get; } = new() { ScoreMinimum = options.Value.MinimumScore };

    /// <summary>Where each key's (bouncer's) last stream pull ended, by key id: the next pull answers what changed since.</summary>
    public ConcurrentDictionary<long, string> Cursors { get; } = new();

    /// <summary>The decision list (every address at or above the threshold), as of the current data.</summary>
    public ValueTask<BlocklistSelection> CurrentAsync(BlocklistEngine engine, CancellationToken cancellationToken)
        => engine.SelectAsync(Query, cancellationToken);

    /// <summary>The decision entry of <paramref name="address"/> (canonical text), if it is on the list.</summary>
    public bool TryFind(BlocklistEngine engine, string address, DateTimeOffset now, out BlocklistEntry entry)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (engine.TryFind(address, out entry) && Query.Matches(in entry, now))
        {
            return true;
        }

        entry = default;
        return false;
    }

    public static CrowdSecDecision ToDecision(in BlocklistEntry entry, DateTimeOffset now)
        => new(Duration(entry.ExpiresAt - now), IdOf(entry.Address), Origin, Scenario(entry), "Ip", "ban", entry.Address, false);

    /// <summary>One decision as <see cref="CrowdSecJsonContext"/> writes a <see cref="CrowdSecDecision"/>, without the record.</summary>
    public static void Write(in BlocklistEntry entry, DateTimeOffset now, Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var address = entry.AddressText(stackalloc byte[64]);
        json.WriteStartObject();
        json.WriteString("duration"u8, Duration(entry.ExpiresAt - now));
        json.WriteNumber("id"u8, IdOf(address));
        json.WriteString("origin"u8, Origin);
        json.WriteString("scenario"u8, Scenario(entry));
        json.WriteString("scope"u8, "Ip"u8);
        json.WriteString("type"u8, "ban"u8);
        json.WriteString("value"u8, address);
        json.WriteBoolean("simulated"u8, false);
        json.WriteEndObject();
    }

    /// <summary>A decision that left the list: bouncers remove by value, so the rest only has to be well-formed.</summary>
    public static CrowdSecDecision Deleted(string address)
        => new("0s", IdOf(address), Origin, "palisade/expired", "Ip", "ban", address, false);

    /// <summary>A Go duration ("719h59m59s") as CrowdSec writes them; at least one second.</summary>
    public static string Duration(TimeSpan remaining)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(remaining.TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}h{seconds / 60 % 60}m{seconds % 60}s");
    }

    // The most severe category names the scenario (the first of equal severity, in catalog order).
    private static string Scenario(in BlocklistEntry entry)
    {
        Category? worst = null;
        foreach (var id in entry.Categories)
        {
            var category = CategoryCatalog.Get(id);
            if (worst is null || category.Severity > worst.Severity)
            {
                worst = category;
            }
        }

        return worst is null ? "palisade/reputation" : ScenarioNames.GetOrAdd(worst.Name, static name => "palisade/" + name);
    }

    private static readonly ConcurrentDictionary<string, string> ScenarioNames = new(StringComparer.Ordinal);

    /// <summary>A stable id per address (FNV-1a of its ASCII text), so a bouncer sees the same decision id across pulls.</summary>
    private static long IdOf(string address)
    {
        var ascii = address.Length <= 64 ? stackalloc byte[64] : new byte[address.Length]; // an address's text: 45 at most
        return IdOf(ascii[..Encoding.ASCII.GetBytes(address, ascii)]);
    }

    private static long IdOf(ReadOnlySpan<byte> address)
    {
        var hash = 2166136261u;
        foreach (var b in address)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash & 0x7FFFFFFF;
    }
}
