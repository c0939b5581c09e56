using System.CommandLine;
using System.CommandLine.Invocation;
using System.Net.Http;
using System.Net.Sockets;

namespace Palisade.Cli.Client;

/// <summary>
/// The action of every client command: turns parse errors into exit code 2 (System.CommandLine would exit 1, which
/// here means "the server refused"), opens the connection, and maps every failure to its documented exit code with a
/// one-line message on stderr that never contains the key.
/// </summary>
internal sealed class ClientCommandAction(ClientConnectionOptions connection, Func<ParseResult, PalisadeApiClient, CancellationToken, Task<int>> run)
    : AsynchronousCommandLineAction
{
    // Keeps System.CommandLine from answering parse errors itself, so they reach InvokeAsync and exit with 2.
    public override bool ClearsParseErrors => true;

    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await Console.Error.WriteLineAsync($"See: palisade {parseResult.CommandResult.Command.Name} --help");
            return ClientExitCodes.Usage;
        }

        string? key = null;
        try
        {
            using var client = connection.Open(parseResult);
            key = client.Key;
            return await run(parseResult, client, cancellationToken);
        }
        catch (ClientFailureException ex)
        {
            await Console.Error.WriteLineAsync(Redact(ex.Message, key));
            return ex.ExitCode;
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is SocketException socket ? socket.Message : ex.Message;
            await Console.Error.WriteLineAsync(Redact($"Cannot reach the Palisade server at {connection.ServerOf(parseResult)}: {reason}", key));
            return ClientExitCodes.ServerOrNetwork;
        }
        catch (IOException ex)
        {
            // A connection dropped in the middle of a body, or a local file that cannot be written.
            await Console.Error.WriteLineAsync(Redact("Transfer failed: " + ex.Message, key));
            return ClientExitCodes.ServerOrNetwork;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync(
                $"No answer from {connection.ServerOf(parseResult)} within {connection.TimeoutOf(parseResult).TotalSeconds:0} s (--timeout).");
            return ClientExitCodes.ServerOrNetwork;
        }
    }

    /// <summary>Belt and braces: whatever a server or a library puts in a message, the key itself is never printed.</summary>
    private static string Redact(string message, string? key)
        => string.IsNullOrEmpty(key) ? message : message.Replace(key, "<key>", StringComparison.Ordinal);
}
