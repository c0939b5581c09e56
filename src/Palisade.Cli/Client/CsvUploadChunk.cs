namespace Palisade.Cli.Client;

/// <summary>
/// One upload of a split CSV file: the header (the file's own, or the positional one) and whole records, with the
/// file line each record starts on, so the server's row numbers (lines of the chunk) can be told as lines of the file.
/// </summary>
internal sealed class CsvUploadChunk(string text, IReadOnlyDictionary<int, int> fileLineOfChunkLine, int rows, int firstLine, int lastLine)
{
    public string Text { get; } = text;

    public int Rows { get; } = rows;

    public int FirstLine { get; } = firstLine;

    public int LastLine { get; } = lastLine;

    /// <summary>The file line of a row the server numbered by its line in this chunk.</summary>
    public int FileLine(int chunkLine) => fileLineOfChunkLine.TryGetValue(chunkLine, out var line) ? line : chunkLine;
}
