using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Quotas;
using Palisade.Core.Storage;

namespace Palisade.Server.Faces.Shared;

/// <summary>
/// The global exception handler: every error that escapes a handler is answered in the shape of the face the request
/// was for — 503 while the store or the quota counters are unreachable (including a connection lost mid-query, as the
/// store's engine judges it), 400 for a body that is not valid JSON
/// (wherever it was parsed), 413 for an oversized body, 500 (without the exception's text) for anything else.
/// </summary>
public static class FaceErrorHandler
{
    public static async Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Features.Get<IExceptionHandlerPathFeature>();
        var dialect = FaceDialects.For(context, failure?.Endpoint);
        var error = failure?.Error;
        // A request Kestrel refused is an IOException too, which the store's engine judges "unavailable": the client's
        // fault is decided first (a broken chunked body was answered 503 and "retry shortly").
        var (status, message) = error is not null && !IsClientFault(error)
            && context.RequestServices.GetService<IStoreHealth>() is { } store && store.IsUnavailable(error)
            ? (StatusCodes.Status503ServiceUnavailable, dialect.StoreUnavailable)
            : Describe(error, dialect);
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        await dialect.Error(status, message).ExecuteAsync(context);
    }

    private static (int Status, string Message) Describe(Exception? error, FaceDialect dialect) => error switch
    {
        StoreUnavailableException => (StatusCodes.Status503ServiceUnavailable, dialect.StoreUnavailable),
        QuotaUnavailableException => (StatusCodes.Status503ServiceUnavailable, dialect.QuotaUnavailable),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Request body is too large."),
        BadHttpRequestException { InnerException: { } inner } when IsMalformedJson(inner) => (StatusCodes.Status400BadRequest, dialect.MalformedJson(inner.Message)),
        BadHttpRequestException bad => (bad.StatusCode, "Bad request: " + bad.Message),
        not null when IsMalformedJson(error) => (StatusCodes.Status400BadRequest, dialect.MalformedJson(error.Message)),
        _ => (StatusCodes.Status500InternalServerError, dialect.InternalError),
    };

    /// <summary>Whether the error is the client's (answered 4xx by <see cref="WriteAsync"/>): a request Kestrel refused or a
    /// body cut short, or a body that is not valid JSON.</summary>
    public static bool IsClientFault(Exception error)
        => error is BadHttpRequestException { StatusCode: < StatusCodes.Status500InternalServerError } || IsMalformedJson(error);

    /// <summary>
    /// Whether reading a JSON body failed on the client's input: a syntax error, or text the reader refuses when a
    /// value is read (a lone UTF-16 surrogate such as <c>"\ud800"</c>, a number where a string belongs).
    /// </summary>
    public static bool IsMalformedJson(Exception error)
        => error is JsonException
            || (error is InvalidOperationException or FormatException && error.Source is { } source
                && source.StartsWith("System.Text.Json", StringComparison.Ordinal));
}
