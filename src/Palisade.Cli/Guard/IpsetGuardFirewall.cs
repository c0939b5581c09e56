using System.Globalization;
using System.Text;

namespace Palisade.Cli.Guard;

/// <summary>
/// ipset sets as <c>format=ipset</c> and integrations/ipset define them (<c>hash:ip</c>, <c>timeout 0</c> so either
/// tool can fill them), so the guard and the shell updater can take turns. A full sync is one <c>ipset restore</c>
/// script: fill <c>NAME-tmp</c> sets, <c>swap</c> them with the live sets (or <c>rename</c> on the first run),
/// destroy them. Entries carry no timeout: the guard removes what the server reports as removed.
/// </summary>
internal sealed class IpsetGuardFirewall(string setV4, string setV6) : IGuardFirewall
{
    public const string Tool = "ipset";
    public const string TemporarySuffix = "-tmp";

    /// <summary>ipset's name limit is 31 characters; the temporary set needs room for its suffix.</summary>
    public const int MaxNameLength = 31 - 4;

    public string Describe => $"ipset {setV4}/{setV6}";

    public async Task<bool> SetsExistAsync(CancellationToken cancellationToken)
    {
        var names = await SetNamesAsync();
        return names.Contains(setV4) && names.Contains(setV6);
    }

    public async Task ReplaceAsync(IReadOnlyCollection<string> addresses, CancellationToken cancellationToken)
    {
        var names = await SetNamesAsync();
        var script = new StringBuilder();
        foreach (var (live, family, v6) in new[] { (setV4, "inet", false), (setV6, "inet6", true) })
        {
            var temporary = live + TemporarySuffix;
            if (names.Contains(temporary))
            {
                script.Append("destroy ").Append(temporary).Append('\n'); // left over from an interrupted run
            }

            var members = addresses.Where(a => a.Contains(':', StringComparison.Ordinal) == v6).ToList();
            script.Append(CultureInfo.InvariantCulture, $"create {temporary} hash:ip family {family} hashsize 1024 maxelem {MaxElements(members.Count)} timeout 0\n");
            foreach (var address in members)
            {
                script.Append("add ").Append(temporary).Append(' ').Append(address).Append('\n');
            }
        }

        foreach (var live in new[] { setV4, setV6 })
        {
            var temporary = live + TemporarySuffix;
            // swap exchanges the contents in one step; on the first run there is nothing to swap with, so the filled set takes the name.
            script.Append(names.Contains(live) ? $"swap {temporary} {live}\ndestroy {temporary}\n" : $"rename {temporary} {live}\n");
        }

        await FirewallTool.RunCheckedAsync(Tool, ["restore"], script.ToString(), "the full sync");
    }

    public async Task ApplyAsync(IReadOnlyCollection<string> add, IReadOnlyCollection<string> remove, CancellationToken cancellationToken)
    {
        var script = new StringBuilder();
        foreach (var address in remove)
        {
            script.Append("del ").Append(SetFor(address)).Append(' ').Append(address).Append(" -exist\n");
        }

        foreach (var address in add)
        {
            script.Append("add ").Append(SetFor(address)).Append(' ').Append(address).Append(" -exist\n");
        }

        if (script.Length > 0)
        {
            await FirewallTool.RunCheckedAsync(Tool, ["restore"], script.ToString(), "the changes");
        }
    }

    /// <summary>A ceiling, not an allocation: room to double before an incremental add would hit it (a full sync resizes).</summary>
    private static int MaxElements(int count)
    {
        var max = 65536;
        while (max < count * 2L && max < int.MaxValue / 2)
        {
            max *= 2;
        }

        return max;
    }

    private string SetFor(string address) => address.Contains(':', StringComparison.Ordinal) ? setV6 : setV4;

    private static async Task<HashSet<string>> SetNamesAsync()
    {
        var names = await FirewallTool.RunCheckedAsync(Tool, ["list", "-n"], null, "listing the sets");
        return new HashSet<string>(names.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
    }
}
