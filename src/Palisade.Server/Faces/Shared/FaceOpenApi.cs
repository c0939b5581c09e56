using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Palisade.Server.Faces.Shared;

/// <summary>
/// OpenAPI metadata a face shares across its routes: the error statuses its access filter and the global error handler
/// answer, described with the face's own error body (<see cref="FaceDialect.ErrorContract"/>) rather than a generic
/// problem document the face never sends.
/// </summary>
public static class FaceOpenApi
{
    /// <summary>What every keyed endpoint can answer before or around its handler: no or a bad key (401/403), quota
    /// spent (429), an unexpected failure (500), the store or the quota counters unreachable (503).</summary>
    public static IReadOnlyList<int> AccessStatuses { get; } =
    [
        StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests,
        StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable,
    ];

    /// <summary>Declares <paramref name="statuses"/> (by default <see cref="AccessStatuses"/>) as answered with
    /// <paramref name="dialect"/>'s error body.</summary>
    public static TBuilder ProducesFaceErrors<TBuilder>(this TBuilder builder, FaceDialect dialect, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(dialect);
        foreach (var status in statuses.Length == 0 ? AccessStatuses : statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, dialect.ErrorContract, [dialect.ErrorContentType]));
        }

        return builder;
    }

    /// <summary>Declares that the 200 answer also comes as text in <paramref name="contentTypes"/> (blocklists: plaintext,
    /// CSV, firewall formats), beside the JSON body declared with <c>Produces</c>; <see cref="AddTextAlternatives"/>
    /// writes them into the document (two <c>Produces</c> for one status would keep only the last).</summary>
    public static TBuilder ProducesText<TBuilder>(this TBuilder builder, params string[] contentTypes)
        where TBuilder : IEndpointConventionBuilder
        => builder.WithMetadata(new TextAlternatives(contentTypes));

    /// <summary>The OpenAPI operation transformer behind <see cref="ProducesText"/>.</summary>
    public static Task AddTextAlternatives(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<TextAlternatives>().FirstOrDefault() is { } text &&
            operation.Responses?.TryGetValue("200", out var answer) == true && answer is OpenApiResponse ok)
        {
            ok.Content ??= new Dictionary<string, OpenApiMediaType>();
            foreach (var contentType in text.ContentTypes)
            {
                ok.Content[contentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Describes the request body as <typeparamref name="T"/> in <paramref name="contentTypes"/> (the first is
    /// JSON or a form, whose schema is <typeparamref name="T"/>; text types are described as strings). Unlike
    /// <c>Accepts</c>, this is documentation only: routing's content-type matching would answer other content types with
    /// its own empty 415 instead of the face's error, so handlers keep deciding what they take.</summary>
    public static RouteHandlerBuilder DescribesBody<T>(this RouteHandlerBuilder builder, params string[] contentTypes)
        => builder.WithMetadata(new BodyDescription(typeof(T), contentTypes.Length == 0 ? ["application/json"] : contentTypes));

    /// <summary>The OpenAPI operation transformer behind <see cref="DescribesBody{T}"/>.</summary>
    public static async Task AddBodyDescriptions(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<BodyDescription>().FirstOrDefault() is not { } body)
        {
            return;
        }

        var content = new Dictionary<string, OpenApiMediaType>();
        foreach (var contentType in body.ContentTypes)
        {
            content[contentType] = new OpenApiMediaType
            {
                Schema = contentType.StartsWith("text/", StringComparison.Ordinal)
                    ? new OpenApiSchema { Type = JsonSchemaType.String }
                    : await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken),
            };
        }

        operation.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
    }

    private sealed record TextAlternatives(IReadOnlyList<string> ContentTypes);

    private sealed record BodyDescription(Type Type, IReadOnlyList<string> ContentTypes);
}
