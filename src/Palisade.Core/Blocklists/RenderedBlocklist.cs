namespace Palisade.Core.Blocklists;

/// <summary>A list rendered once and cached per snapshot: bytes in chunks, sent as they are to every requester.</summary>
public sealed class RenderedBlocklist(IReadOnlyList<ReadOnlyMemory<byte>> segments, long length, int count, string etag)
{
    public IReadOnlyList<ReadOnlyMemory<byte>> Segments { get; } = segments;

    public long Length { get; } = length;

    /// <summary>Entries rendered.</summary>
    public int Count { get; } = count;

    public string ETag { get; } = etag;

    public async Task WriteToAsync(Stream destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        foreach (var segment in Segments)
        {
            await destination.WriteAsync(segment, cancellationToken);
        }
    }
}
