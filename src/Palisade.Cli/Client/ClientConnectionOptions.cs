using System.CommandLine;
using System.Globalization;

namespace Palisade.Cli.Client;

/// <summary>The options every client command takes: which server, which key, JSON output, and how long to wait.</summary>
internal sealed class ClientConnectionOptions
{
    /// <summary>What <c>palisade serve</c> listens on when given no --urls.</summary>
    public const string DefaultServer = "http://127.0.0.1:8080";

    private const double DefaultTimeoutSeconds = 60;

    public Option<string> Server { get; } = new("--server")
    {
        Description = $"Base URL of the Palisade server (env PALISADE_SERVER; default {DefaultServer}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PALISADE_SERVER") is { Length: > 0 } server ? server : DefaultServer,
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = "API key (env PALISADE_KEY). Prefer the variable: a command line is visible to other users.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PALISADE_KEY"),
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print the server's JSON as it came (for scripts)." };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for the server's answer (default 60).",
        DefaultValueFactory = _ => DefaultTimeoutSeconds,
    };

    /// <summary>Creates a client command with these options and an action that maps failures to exit codes.</summary>
    public static Command CreateCommand(string name, string description, Func<ClientConnectionOptions, Command, Func<ParseResult, PalisadeApiClient, CancellationToken, Task<int>>> define)
    {
        var connection = new ClientConnectionOptions();
        var command = new Command(name, description) { connection.Server, connection.Key, connection.Json, connection.Timeout };
        command.Action = new ClientCommandAction(connection, define(connection, command));
        return command;
    }

    public string ServerOf(ParseResult parse) => parse.GetValue(Server)!.TrimEnd('/');

    public TimeSpan TimeoutOf(ParseResult parse) => TimeSpan.FromSeconds(parse.GetValue(Timeout));

    /// <exception cref="ClientFailureException">The server URL or timeout is unusable, or no key was given.</exception>
    public PalisadeApiClient Open(ParseResult parse)
    {
        var server = ServerOf(parse);
        if (!Uri.TryCreate(server, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https") ||
            !string.IsNullOrEmpty(baseUri.Query) || !string.IsNullOrEmpty(baseUri.Fragment))
        {
            throw ClientFailureException.Usage($"--server '{server}' is not an http:// or https:// base URL such as {DefaultServer}.");
        }

        var seconds = parse.GetValue(Timeout);
        if (!double.IsFinite(seconds) || seconds is <= 0 or > 86_400)
        {
            throw ClientFailureException.Usage($"--timeout must be between 0 and 86400 seconds, not {seconds.ToString(CultureInfo.InvariantCulture)}.");
        }

        var key = parse.GetValue(Key);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ClientFailureException(ClientExitCodes.Authentication, "No API key: pass --key or set PALISADE_KEY.");
        }

        if (key.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || key.Length > 512)
        {
            throw new ClientFailureException(ClientExitCodes.Authentication, "The API key contains spaces or control characters; check PALISADE_KEY / --key.");
        }

        return new PalisadeApiClient(server, key, TimeSpan.FromSeconds(seconds));
    }
}
