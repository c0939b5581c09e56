namespace Palisade.Core.Stix;

/// <summary>
/// The ATT&amp;CK tactic (kill-chain phase short name) of each technique the category table uses, and its page URL.
/// A technique with several tactics is given the one an internet-facing observer sees it in.
/// </summary>
public static class AttackTactics
{
    private static readonly Dictionary<string, string> TacticOf = new(StringComparer.Ordinal)
    {
        ["T1110"] = "credential-access",
        ["T1595.001"] = "reconnaissance",
        ["T1595.002"] = "reconnaissance",
        ["T1594"] = "reconnaissance",
        ["T1046"] = "discovery",
        ["T1498"] = "impact",
        ["T1498.002"] = "impact",
        ["T1499"] = "impact",
        ["T1190"] = "initial-access",
        ["T1566"] = "initial-access",
        ["T1078.001"] = "initial-access",
        ["T1584"] = "resource-development",
        ["T1204"] = "execution",
        ["T1105"] = "command-and-control",
        ["T1071.004"] = "command-and-control",
        ["T1090"] = "command-and-control",
        ["T1656"] = "defense-evasion",
        ["T1557"] = "credential-access",
        ["T1657"] = "impact",
    };

    public static bool TryGetTactic(string techniqueId, out string tactic) => TacticOf.TryGetValue(techniqueId, out tactic!);

    /// <summary><c>T1110.001</c> → <c>https://attack.mitre.org/techniques/T1110/001/</c>.</summary>
    public static string Url(string techniqueId) => "https://attack.mitre.org/techniques/" + techniqueId.Replace('.', '/') + "/";
}
