using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Palisade.Core.Reports.Bulk;

namespace Palisade.Cli.Client;

/// <summary>
/// <c>palisade bulk-report &lt;file.csv&gt;</c>: uploads a report CSV of any length in chunks the server accepts
/// (POST /v1/key/bulk-report, ≤ 10,000 rows / 2 MB each), with progress, then one summary whose row numbers are lines
/// of the user's file.
/// </summary>
internal static class BulkReportClientCommand
{
    /// <summary>Larger files are refused before reading: the whole file is held to find record boundaries.</summary>
    private const long MaxFileBytes = 512L * 1024 * 1024;

    /// <summary>Per-row errors printed in text mode; --json has them all.</summary>
    private const int MaxErrorsShown = 50;

    public static Command Create() => ClientConnectionOptions.CreateCommand("bulk-report",
        "Upload a CSV of reports (IP,Category,Protocol,Comment) in chunks the server accepts (POST /v1/key/bulk-report).", (connection, command) =>
    {
        var path = new Argument<string>("file") { Description = "A UTF-8 CSV file: IP,Category,Protocol,Comment (header optional; Port, Username, Timestamp columns with a header)." };
        command.Arguments.Add(path);
        return async (parse, client, cancellationToken) =>
        {
            var file = parse.GetValue(path)!;
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                throw ClientFailureException.Usage($"No such file: {file}");
            }

            if (info.Length > MaxFileBytes)
            {
                throw ClientFailureException.Usage($"{file} is larger than {MaxFileBytes / 1024 / 1024} MB; split it first.");
            }

            var splitter = CsvUploadSplitter.Read(await File.ReadAllBytesAsync(file, cancellationToken));
            var chunks = splitter.Chunks(BulkLimits.MaxRows, BulkLimits.MaxFileBytes).ToList();
            var json = parse.GetValue(connection.Json);
            var summary = new BulkUploadSummary();
            ClientFailureException? stopped = null;
            HttpResponseHeaders? lastHeaders = null;
            await UploadProgress.RunAsync("bulk-report", splitter.Rows, json, async progress =>
            {
                var sent = 0;
                for (var i = 0; i < chunks.Count; i++)
                {
                    var chunk = chunks[i];
                    var request = client.Request(HttpMethod.Post, "/v1/key/bulk-report");
                    request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(chunk.Text));
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
                    try
                    {
                        var answer = await client.SendAsync(request, cancellationToken);
                        using var document = answer.Json();
                        summary.Add(document.RootElement, chunk);
                        lastHeaders = answer.Headers;
                    }
                    catch (ClientFailureException ex)
                    {
                        // Chunks already answered are stored; say exactly which lines were not.
                        stopped = new ClientFailureException(ex.ExitCode, i == 0
                            ? ex.Message
                            : $"{ex.Message}\nLines {chunks[0].FirstLine}–{chunks[i - 1].LastLine} were uploaded ({summary.Accepted:N0} rows stored); lines from {chunk.FirstLine} on were not sent.");
                        return;
                    }

                    sent += chunk.Rows;
                    progress(sent, $" (chunk {i + 1}/{chunks.Count}: lines {chunk.FirstLine}–{chunk.LastLine})");
                }
            });

            if (summary.Chunks > 0)
            {
                if (json)
                {
                    await using var stdout = Console.OpenStandardOutput();
                    await summary.WriteJsonAsync(stdout, cancellationToken);
                }
                else
                {
                    Console.Write(summary.Describe(file, MaxErrorsShown));
                    if (lastHeaders is not null && QuotaLine.From(lastHeaders) is { } line)
                    {
                        Console.WriteLine(line);
                    }
                }
            }

            if (stopped is not null)
            {
                throw stopped;
            }

            return summary.Rejected == 0 ? ClientExitCodes.Success : ClientExitCodes.Refused;
        };
    });
}
