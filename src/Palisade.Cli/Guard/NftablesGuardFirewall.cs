using System.Text;

namespace Palisade.Cli.Guard;

/// <summary>
/// nftables as <c>format=nftables</c> defines it: table <c>inet TABLE</c> with interval sets for IPv4 and IPv6 and an
/// <c>input</c> chain dropping both. Every change is one <c>nft -f -</c> file, which nft applies as a single
/// transaction: a full sync declares the table (kept if it exists), flushes the sets and the chain, and adds every
/// element; an incremental one adds elements and deletes only elements the guard put there (nft refuses to delete a
/// missing one, failing the whole transaction).
/// </summary>
internal sealed class NftablesGuardFirewall(string table, string setV4, string setV6) : IGuardFirewall
{
    public const string Tool = "nft";

    /// <summary>Elements per <c>add element</c> statement: keeps lines short without one statement per address.</summary>
    private const int ElementsPerStatement = 1000;

    public string Describe => $"nftables inet {table} {setV4}/{setV6}";

    public async Task<bool> SetsExistAsync(CancellationToken cancellationToken)
    {
        foreach (var set in new[] { setV4, setV6 })
        {
            // -t (terse) leaves the elements out: this is a cheap existence check however long the list.
            var (code, _, _) = await FirewallTool.RunAsync(Tool, ["-t", "list", "set", "inet", table, set]);
            if (code != 0)
            {
                return false;
            }
        }

        return true;
    }

    public async Task ReplaceAsync(IReadOnlyCollection<string> addresses, CancellationToken cancellationToken)
    {
        var script = new StringBuilder();
        script.Append($"table inet {table} {{\n")
            .Append($"    set {setV4} {{\n        type ipv4_addr\n        flags interval\n    }}\n")
            .Append($"    set {setV6} {{\n        type ipv6_addr\n        flags interval\n    }}\n")
            .Append("    chain input {\n        type filter hook input priority -10; policy accept;\n    }\n}\n")
            .Append($"flush set inet {table} {setV4}\nflush set inet {table} {setV6}\nflush chain inet {table} input\n")
            .Append($"add rule inet {table} input ip saddr @{setV4} drop\nadd rule inet {table} input ip6 saddr @{setV6} drop\n");
        Elements(script, "add", addresses);
        await FirewallTool.RunCheckedAsync(Tool, ["-f", "-"], script.ToString(), "the full sync");
    }

    public async Task ApplyAsync(IReadOnlyCollection<string> add, IReadOnlyCollection<string> remove, CancellationToken cancellationToken)
    {
        var script = new StringBuilder();
        Elements(script, "delete", remove);
        Elements(script, "add", add);
        if (script.Length > 0)
        {
            await FirewallTool.RunCheckedAsync(Tool, ["-f", "-"], script.ToString(), "the changes");
        }
    }

    private void Elements(StringBuilder script, string verb, IReadOnlyCollection<string> addresses)
    {
        foreach (var (set, v6) in new[] { (setV4, false), (setV6, true) })
        {
            foreach (var chunk in addresses.Where(a => a.Contains(':', StringComparison.Ordinal) == v6).Chunk(ElementsPerStatement))
            {
                script.Append(verb).Append(" element inet ").Append(table).Append(' ').Append(set).Append(" { ")
                    .AppendJoin(", ", chunk).Append(" }\n");
            }
        }
    }
}
