namespace Palisade.Cli.Client;

/// <summary>The score bands of docs/scoring.md (as SikkerAPI names them).</summary>
internal static class ScoreBand
{
    public static string Of(int score) => score switch
    {
        >= 90 => "very high",
        >= 70 => "high",
        >= 40 => "medium",
        >= 10 => "low",
        _ => "none",
    };
}
