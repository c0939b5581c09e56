using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Palisade.Server.Access;

/// <summary>Reads a request body into memory with a hard size limit, so an oversized body is refused (413) early.</summary>
public static class RequestBodyReader
{
    private const int ChunkBytes = 16 * 1024;

    /// <returns>The body, or null when it is larger than <paramref name="maxBytes"/>.</returns>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        // A declared length (nearly every request: a single report is ~150 bytes) is read straight into an array of that
        // size; a 16 KB chunk and a growing stream per request were most of the bytes a report allocated. A body that does
        // not end where declared is read on as one of unknown length.
        var declared = request.ContentLength is { } length ? new byte[length] : [];
        var filled = 0;
        while (filled < declared.Length)
        {
            var read = await request.Body.ReadAsync(declared.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return declared[..filled];
            }

            filled += read;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            var read = await request.Body.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return declared;
            }

            using var buffer = new MemoryStream();
            buffer.Write(declared);
            do
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0);

            return buffer.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
