using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Palisade.Core.Blocklists;
using Palisade.Core.Categories;
using Palisade.Server.CrowdSec.Contracts;

namespace Palisade.Server.CrowdSec;

/// <summary>Turns blocklist entries into LAPI decisions, and finds one address on a list without a scan per request.</summary>
internal sealed class CrowdSecDecisions
{
    public const string Origin = "palisade";

    private readonly ConditionalWeakTable<BlocklistSelection, Dictionary<string, int>> _positions = new();

    public static CrowdSecDecision ToDecision(in BlocklistEntry entry, DateTimeOffset now)
    {
        var category = entry.Categories.Select(id => CategoryCatalog.Get(id)).OrderByDescending(c => c.Severity).FirstOrDefault();
        return new CrowdSecDecision(Duration(entry.ExpiresAt - now), IdOf(entry.Address), Origin,
            "palisade/" + (category?.Name ?? "reputation"), "Ip", "ban", entry.Address, false);
    }

    /// <summary>A decision that left the list: bouncers remove by value, so the rest only has to be well-formed.</summary>
    public static CrowdSecDecision Deleted(string address)
        => new("0s", IdOf(address), Origin, "palisade/expired", "Ip", "ban", address, false);

    public bool TryFind(BlocklistSelection selection, string address, out BlocklistEntry entry)
    {
        var positions = _positions.GetValue(selection, static s =>
        {
            var map = new Dictionary<string, int>(s.Count, StringComparer.Ordinal);
            for (var i = 0; i < s.Count; i++)
            {
                map[s.Entry(i).Address] = i;
            }

            return map;
        });
        if (positions.TryGetValue(address, out var index))
        {
            entry = selection.Entry(index);
            return true;
        }

        entry = default;
        return false;
    }

    /// <summary>A Go duration ("719h59m59s") as CrowdSec writes them; at least one second.</summary>
    public static string Duration(TimeSpan remaining)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(remaining.TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}h{seconds / 60 % 60}m{seconds % 60}s");
    }

    /// <summary>A stable id per address (FNV-1a), so a bouncer sees the same decision id across pulls.</summary>
    private static long IdOf(string address)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.ASCII.GetBytes(address))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash & 0x7FFFFFFF;
    }
}
