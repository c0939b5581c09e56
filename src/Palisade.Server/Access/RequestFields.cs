using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Palisade.Server.Access;

/// <summary>
/// The named parameters of a request, wherever the client put them: the query string, a form-urlencoded body
/// (fail2ban's curl), a <c>multipart/form-data</c> body (PHP and Python libraries), or a JSON object. A body field
/// wins over the query field of the same name; a repeated name (or PHP's <c>name[]</c>) joins its values with commas.
/// </summary>
/// <param name="Values">The merged parameters (the request's own query collection when there is no body).</param>
/// <param name="Status">400 or 413 when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the body could not be read, or null.</param>
public readonly record struct RequestFields(IQueryCollection Values, int Status, string? Error)
{
    /// <summary>Reads the parameters; the body (if any) is read whole but never beyond <paramref name="maxBytes"/>.</summary>
    public static async Task<RequestFields> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true || request.ContentLength == 0)
        {
            return new(request.Query, StatusCodes.Status200OK, null);
        }

        var body = await RequestBodyReader.ReadAsync(request, maxBytes, cancellationToken);
        if (body is null)
        {
            return Fail(request, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {maxBytes / 1024} KB.");
        }

        return body.Length == 0 ? new(request.Query, StatusCodes.Status200OK, null) : await ParseAsync(request, body);
    }

    private static async Task<RequestFields> ParseAsync(HttpRequest request, byte[] body)
    {
        var fields = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        var fromBody = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string name, string value)
        {
            name = name.EndsWith("[]", StringComparison.Ordinal) ? name[..^2] : name;
            if (!fromBody.TryGetValue(name, out var values))
            {
                fromBody[name] = values = [];
            }

            values.Add(value);
        }

        var media = MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ? mediaType.MediaType.Value ?? string.Empty : string.Empty;
        if (media.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(mediaType!.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return Fail(request, StatusCodes.Status400BadRequest, "The multipart body has no boundary in its Content-Type.");
            }

            try
            {
                var reader = new MultipartReader(boundary, new MemoryStream(body, writable: false));
                while (await reader.ReadNextSectionAsync() is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                        HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
                    {
                        continue;
                    }

                    using var buffer = new MemoryStream();
                    await section.Body.CopyToAsync(buffer);
                    var bytes = buffer.ToArray();
                    if (!System.Text.Unicode.Utf8.IsValid(bytes))
                    {
                        return Fail(request, StatusCodes.Status400BadRequest, $"The multipart field '{Cut(name)}' is not valid UTF-8.");
                    }

                    Add(name, Encoding.UTF8.GetString(bytes));
                }
            }
            catch (IOException ex)
            {
                return Fail(request, StatusCodes.Status400BadRequest, "The multipart body could not be read: " + ex.Message);
            }
        }
        else if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return Fail(request, StatusCodes.Status400BadRequest, "The request body is not valid UTF-8.");
        }
        else if (media.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return Fail(request, StatusCodes.Status400BadRequest, "The JSON body must be an object.");
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    Add(property.Name, property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString()!,
                        JsonValueKind.Array => string.Join(',', property.Value.EnumerateArray().Select(e =>
                            e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
                        JsonValueKind.Null => "",
                        _ => property.Value.GetRawText(),
                    });
                }
            }
            catch (JsonException ex)
            {
                return Fail(request, StatusCodes.Status400BadRequest, "The request body is not valid JSON: " + ex.Message);
            }
        }
        else
        {
            // Form-urlencoded, or no Content-Type at all (curl -d without -H sends urlencoded anyway).
            foreach (var (name, value) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
            {
                foreach (var item in value)
                {
                    Add(name, item ?? "");
                }
            }
        }

        foreach (var (name, value) in request.Query)
        {
            fields[name] = value;
        }

        foreach (var (name, values) in fromBody)
        {
            fields[name] = values.Count == 1 ? new StringValues(values[0]) : new StringValues(string.Join(',', values));
        }

        return new(new QueryCollection(fields), StatusCodes.Status200OK, null);
    }

    /// <summary>The parameter's value (several joined with commas), or null when the request does not name it.</summary>
    public string? Get(string name) => Values.TryGetValue(name, out var value) ? value.ToString() : null;

    private static RequestFields Fail(HttpRequest request, int status, string error) => new(request.Query, status, error);

    private static string Cut(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
