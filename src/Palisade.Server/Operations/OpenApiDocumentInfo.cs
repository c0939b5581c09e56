using Microsoft.AspNetCore.OpenApi;

namespace Palisade.Server.Operations;

/// <summary>The title and description of the OpenAPI document, with the attribution the geo data's licences require
/// wherever results derived from it are shown (DB-IP asks for a link on every page that shows them).</summary>
public static class OpenApiDocumentInfo
{
    public const string Attribution =
        "Country, continent and AS data: the NRO (the five RIRs) and RouteViews, CC BY 4.0, packaged by ip-location-db; " +
        "IP to ASN data by DB-IP (https://db-ip.com), CC BY 4.0. Operators who import other databases (GeoLite2, DB-IP, " +
        "IPinfo) follow those licences.";

    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddOperationTransformer(Faces.Shared.FaceOpenApi.AddTextAlternatives);
        options.AddOperationTransformer(Faces.Shared.FaceOpenApi.AddBodyDescriptions);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Palisade";
            document.Info.Description =
                "Self-hosted IP reputation and threat intelligence: the native (SikkerAPI) API, the IPSwamp, ReportedIP, " +
                "AbuseIPDB v2 and CrowdSec bouncer dialects, and TAXII 2.1. Geolocation in responses. " + Attribution;
            return Task.CompletedTask;
        });
    }
}
