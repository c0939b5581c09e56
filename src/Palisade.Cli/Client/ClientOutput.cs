namespace Palisade.Cli.Client;

/// <summary>Writes answers to stdout: raw bytes for --json (exactly what the server sent, plus a final newline).</summary>
internal static class ClientOutput
{
    public static async Task WriteRawAsync(byte[] body, CancellationToken cancellationToken)
    {
        await Console.Out.FlushAsync(cancellationToken);
        await using var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(body, cancellationToken);
        if (body.Length == 0 || body[^1] != (byte)'\n')
        {
            await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
        }

        await stdout.FlushAsync(cancellationToken);
    }

    public static void WriteQuota(ApiAnswer answer)
    {
        if (QuotaLine.From(answer.Headers) is { } line)
        {
            Console.WriteLine(line);
        }
    }
}
