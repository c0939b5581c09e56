using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Server.Access;

namespace Palisade.Server.Faces.Shared;

/// <summary>
/// How one API face speaks: the body of every error status it can answer (including the global handler's 500 and
/// 503 and refused request bodies), how it reads credentials and how it words authentication refusals. Everything
/// else about access (key ring, tier, quota headers) is shared in <see cref="FaceAccessFilter"/>.
/// </summary>
public abstract class FaceDialect
{
    /// <summary>The face's name, as the <c>face</c> label of the HTTP metrics (<see cref="Operations.MetricsFaces"/>).</summary>
    public abstract string Face { get; }

    /// <summary>The type of this face's error body (<see cref="Error"/>), as the OpenAPI document describes it.</summary>
    public abstract Type ErrorContract { get; }

    /// <summary>The Content-Type of this face's error bodies.</summary>
    public virtual string ErrorContentType => "application/json";

    /// <summary>The access filter of an endpoint of this face that needs a key whose tier has <paramref name="feature"/>.</summary>
    public FaceAccessFilter Access(QuotaFamily family, Feature feature) => new(this, family, feature);

    /// <summary>As <see cref="Access(QuotaFamily, Feature)"/>, taking the key ring from the application's services
    /// (<see cref="FaceAccessFilter.ApplicationServices"/>).</summary>
    public FaceAccessFilter Access(QuotaFamily family, Feature feature, IServiceProvider applicationServices)
        => new(this, family, feature) { ApplicationServices = applicationServices };

    /// <summary>An error response with <paramref name="status"/> and a human-readable <paramref name="message"/> in this face's shape.</summary>
    public abstract IResult Error(int status, string message);

    /// <summary>The API key the request presents, or null. Most faces accept the same headers and <c>?key=</c>.</summary>
    public virtual string? ReadCredential(HttpRequest request) => ApiKeyReader.Read(request);

    /// <summary>The API key the request presents, hashed for the key ring (<see cref="ApiKeyReader.ReadPresented"/>, which
    /// reads it as <see cref="ReadCredential"/> does); a dialect that reads credentials its own way overrides both.</summary>
    public virtual PresentedSecret ReadPresentedCredential(HttpContext http) => ApiKeyReader.ReadPresented(http);

    /// <summary>A refusal that comes before authentication (e.g. TAXII content negotiation); null to go on.</summary>
    public virtual IResult? Precheck(HttpContext http) => null;

    /// <summary>The answer for a key that did not authenticate (<paramref name="status"/> is never Valid).</summary>
    public abstract IResult Unauthenticated(HttpContext http, KeyCheckStatus status);

    /// <summary>The answer for a valid key whose tier lacks the endpoint's feature.</summary>
    public abstract IResult FeatureDenied(AuthenticatedKey key, Feature feature);

    /// <summary>Called once the key is authenticated and the access context attached (a face may attach its own state).</summary>
    public virtual void Authenticated(HttpContext http, AccessContext access)
    {
    }

    /// <summary>Whether a response carries <c>Retry-After</c>: on 429 by default (IPSwamp refuses quota with 403).</summary>
    public virtual bool WantsRetryAfter(int status, QuotaDecision decision) => status == StatusCodes.Status429TooManyRequests;

    /// <summary>The message of the 503 answered while the store is unreachable.</summary>
    public virtual string StoreUnavailable => "The database is unavailable; retry shortly.";

    /// <summary>The message of the 503 answered while the quota counters (Redis) are unreachable.</summary>
    public virtual string QuotaUnavailable => "The quota service is unavailable; retry shortly.";

    /// <summary>The message of an unexpected failure (500); never the exception's text.</summary>
    public virtual string InternalError => "Internal server error.";

    /// <summary>The message of a request body that is not valid JSON (400).</summary>
    public virtual string MalformedJson(string detail) => "Malformed JSON body: " + detail;
}
