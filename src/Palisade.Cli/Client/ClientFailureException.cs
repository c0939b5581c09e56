namespace Palisade.Cli.Client;

/// <summary>A client command cannot go on: the message goes to stderr and the exit code to the shell.</summary>
internal sealed class ClientFailureException : Exception
{
    public ClientFailureException()
    {
    }

    public ClientFailureException(string message)
        : base(message)
    {
    }

    public ClientFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ClientFailureException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public int ExitCode { get; } = ClientExitCodes.Refused;

    public static ClientFailureException Usage(string message) => new(ClientExitCodes.Usage, message);
}
