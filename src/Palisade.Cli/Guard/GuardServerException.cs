namespace Palisade.Cli.Guard;

/// <summary>A pull the server did not answer with a list. The message never contains the key.</summary>
internal sealed class GuardServerException(GuardServerFailure failure, string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public GuardServerFailure Failure { get; } = failure;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
