using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Server.Access;

namespace Palisade.Server.Taxii;

/// <summary>
/// In front of every TAXII endpoint: content negotiation (406), authentication (401 with a Basic challenge, 403),
/// the TAXII quota headers on authenticated responses, and TAXII error bodies when the store is down. Metadata
/// endpoints (discovery, API root, collections) are readable without a key, as on SikkerAPI; a key that is presented
/// must still be valid.
/// </summary>
internal sealed class TaxiiAccessFilter(bool requireKey) : IEndpointFilter
{
    public const string Realm = "Palisade TAXII";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var root = http.GetEndpoint()?.Metadata.GetMetadata<TaxiiRoot>() ?? TaxiiRoot.Standard;
        if (TaxiiMediaTypes.Refusal(http.Request.Headers.Accept.ToString(), root.SikkerCompatible) is { } refusal)
        {
            return TaxiiErrors.NotAcceptable(refusal);
        }

        var secret = TaxiiCredentials.Read(http.Request);
        if (secret is not null || requireKey)
        {
            var keys = http.RequestServices.GetRequiredService<KeyRing>();
            var check = await keys.AuthenticateAsync(secret, http.RequestAborted);
            switch (check.Status)
            {
                case KeyCheckStatus.Missing:
                    return Challenge(http, "An API key is required: HTTP Basic with the key as password, or Authorization: Bearer <key>.");
                case KeyCheckStatus.Invalid:
                    return Challenge(http, "The API key is not valid.");
                case KeyCheckStatus.Revoked:
                    return TaxiiErrors.Forbidden("This API key has been revoked. Create a new key.");
                case KeyCheckStatus.UnknownTier:
                    return TaxiiErrors.Forbidden("This API key's tier no longer exists. Ask the operator to move it to a configured tier.");
            }

            var key = check.Key!;
            if (requireKey)
            {
                if (!key.Tier.Allows(Feature.Taxii))
                {
                    return TaxiiErrors.Forbidden($"The {key.Tier.DisplayName} tier does not include the TAXII feed. Upgrade the key's tier.");
                }

                var access = new AccessContext(key, QuotaFamily.Taxii);
                access.Attach(http);
                http.Response.OnStarting(async () =>
                {
                    var clock = http.RequestServices.GetRequiredService<IClock>();
                    var decision = access.Decision ?? await http.RequestServices.GetRequiredService<IQuotaCounter>()
                        .PeekAsync(key.Key.Id, QuotaFamily.Taxii, key.LimitFor(QuotaFamily.Taxii), clock.UtcNow);
                    QuotaHeaders.Write(http.Response.Headers, decision);
                    if (http.Response.StatusCode == StatusCodes.Status429TooManyRequests)
                    {
                        QuotaHeaders.WriteRetryAfter(http.Response.Headers, clock.UtcNow);
                    }
                });
            }
        }

        try
        {
            return await next(context);
        }
        catch (StoreUnavailableException)
        {
            http.Response.Headers.RetryAfter = "5";
            return TaxiiErrors.Error(StatusCodes.Status503ServiceUnavailable, "Service unavailable", "The database is unavailable; retry shortly.", "unavailable");
        }
    }

    private static TaxiiResult Challenge(HttpContext http, string description)
    {
        http.Response.Headers.WWWAuthenticate = new(["Basic realm=\"" + Realm + "\", charset=\"UTF-8\"", "Bearer realm=\"" + Realm + "\""]);
        return TaxiiErrors.Unauthorized(description);
    }
}
