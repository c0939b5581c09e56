using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace Palisade.Cli.Commands;

/// <summary>
/// <c>palisade --version</c>: "palisade 1.2.3 (commit 0123abc…)". scripts/release.sh stamps both (Version,
/// SourceRevisionId); the SDK joins them as the informational version "1.2.3+0123abc…", which this splits so that an
/// operator reading a bug report or a package can tell the exact source.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    /// <summary>Replaces the root command's built-in <c>--version</c> action.</summary>
    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new VersionAction();
        }
    }

    /// <inheritdoc />
    public override int Invoke(ParseResult parseResult)
    {
        var informational = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        parseResult.InvocationConfiguration.Output.WriteLine(Describe(informational));
        return 0;
    }

    /// <summary>"1.2.3+abc" → "palisade 1.2.3 (commit abc)"; no commit → "(commit unknown)".</summary>
    public static string Describe(string? informationalVersion)
    {
        var text = string.IsNullOrWhiteSpace(informationalVersion) ? "unknown" : informationalVersion.Trim();
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        var version = plus < 0 ? text : text[..plus];
        var commit = plus < 0 || plus == text.Length - 1 ? "unknown" : text[(plus + 1)..];
        return $"palisade {version} (commit {commit})";
    }
}
