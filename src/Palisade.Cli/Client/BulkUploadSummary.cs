using System.Text;
using System.Text.Json;

namespace Palisade.Cli.Client;

/// <summary>The server's bulk-report answers summed over the chunks of one file, with rows told as file lines.</summary>
internal sealed class BulkUploadSummary
{
    private readonly List<(int Line, string Ip, string Error)> _errors = [];

    public int Chunks { get; private set; }

    public long Total { get; private set; }

    public long Accepted { get; private set; }

    public long Rejected { get; private set; }

    public long Duplicates { get; private set; }

    public void Add(JsonElement answer, CsvUploadChunk chunk)
    {
        Chunks++;
        Total += answer.Number("total") ?? 0;
        Accepted += answer.Number("accepted") ?? 0;
        Rejected += answer.Number("rejected") ?? 0;
        Duplicates += answer.Number("duplicates") ?? 0;
        foreach (var error in answer.Items("errors"))
        {
            var row = (int)(error.Number("row") ?? 0);
            _errors.Add((chunk.FileLine(row), error.Text("ip") ?? string.Empty, error.Text("error") ?? string.Empty));
        }
    }

    public string Describe(string file, int maxErrors)
    {
        var text = new StringBuilder();
        text.AppendLine($"{file}: {Total:N0} rows uploaded in {Chunks} chunk{(Chunks == 1 ? "" : "s")}.");
        text.AppendLine($"  Accepted:   {Accepted:N0}" + (Duplicates > 0 ? $" ({Duplicates:N0} duplicates of recent reports, not counted again)" : ""));
        text.AppendLine($"  Rejected:   {Rejected:N0}");
        foreach (var (line, ip, error) in _errors.OrderBy(e => e.Line).Take(maxErrors))
        {
            text.AppendLine($"    line {line}: {(ip.Length > 0 ? ip + ": " : "")}{error}");
        }

        if (_errors.Count > maxErrors)
        {
            text.AppendLine($"    … and {_errors.Count - maxErrors:N0} more (--json lists them all).");
        }

        return text.ToString();
    }

    /// <summary>The server's answer shape, summed: {"total","accepted","rejected","duplicates","chunks","errors":[{"row"=file line,"ip","error"}]}.</summary>
    public async Task WriteJsonAsync(Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber("total", Total);
        writer.WriteNumber("accepted", Accepted);
        writer.WriteNumber("rejected", Rejected);
        writer.WriteNumber("duplicates", Duplicates);
        writer.WriteNumber("chunks", Chunks);
        writer.WriteStartArray("errors");
        foreach (var (line, ip, error) in _errors.OrderBy(e => e.Line))
        {
            writer.WriteStartObject();
            writer.WriteNumber("row", line);
            writer.WriteString("ip", ip);
            writer.WriteString("error", error);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }
}
