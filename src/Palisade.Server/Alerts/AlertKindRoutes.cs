using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Alerts;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Native;
using Palisade.Server.Faces.Shared;

namespace Palisade.Server.Alerts;

/// <summary>
/// SikkerAPI's per-kind alert paths (<c>/v1/key/ip-alerts</c>, <c>range-alerts</c>, <c>username-alerts</c>,
/// <c>email-alerts</c>, each with <c>/{id}</c>), which its <c>sikker</c> CLI calls. They are <see cref="AlertsApi"/>'s own
/// handlers narrowed to one kind, so validation, limits, storage and the wire shape are the same as on
/// <c>/v1/key/alerts</c>; an alert made on either path is seen on both.
/// </summary>
public sealed class AlertKindRoutes
{
    private AlertKindRoutes(AlertTargetKind kind, string path, string what)
    {
        Kind = kind;
        Path = path;
        TargetField = AlertTargets.Name(kind);
        MissingTargetMessage =
            $"Send \"{TargetField}\": the {what} to watch. POST {path} makes {TargetField} alerts only; /v1/key/alerts takes any kind.";
    }

    public static IReadOnlyList<AlertKindRoutes> All { get; } =
    [
        new(AlertTargetKind.Ip, "/v1/key/ip-alerts", "public IP address"),
        new(AlertTargetKind.Range, "/v1/key/range-alerts", "network in CIDR notation (198.51.100.0/28)"),
        new(AlertTargetKind.Username, "/v1/key/username-alerts", "username"),
        new(AlertTargetKind.Email, "/v1/key/email-alerts", "e-mail address"),
    ];

    public AlertTargetKind Kind { get; }

    /// <summary>The collection path, without a trailing slash.</summary>
    public string Path { get; }

    /// <summary>The body field naming the target: <c>ip</c>, <c>cidr</c>, <c>username</c> or <c>email</c>.</summary>
    public string TargetField { get; }

    internal string MissingTargetMessage { get; }

    internal void Map(IEndpointRouteBuilder app, FaceAccessFilter access)
    {
        var api = app.MapGroup(Path).WithTags("Native");
        AlertsApi.Describe(api, Kind.ToString(), TargetField + " alerts only",
            api.MapGet("", List).AddEndpointFilter(access),
            api.MapPost("", Create).AddEndpointFilter(access),
            api.MapGet("/{id}", Get).AddEndpointFilter(access),
            api.MapPatch("/{id}", Update).AddEndpointFilter(access),
            api.MapDelete("/{id}", Delete).AddEndpointFilter(access));
    }

    public Task<IResult> List(HttpContext http, IAlertStore store) => AlertsApi.ListAsync(http, store, this);

    public Task<IResult> Get(string id, HttpContext http, IAlertStore store) => AlertsApi.GetAsync(id, http, store, this);

    public Task<IResult> Create(HttpContext http, IAlertStore store, AlertRegistry registry, WebhookTargetPolicy webhooks, SmtpOptions smtp,
        IQuotaCounter quotas, IClock clock)
        => AlertsApi.CreateAsync(http, store, registry, webhooks, smtp, quotas, clock, this);

    public Task<IResult> Update(string id, HttpContext http, IAlertStore store, AlertRegistry registry, WebhookTargetPolicy webhooks, SmtpOptions smtp,
        IQuotaCounter quotas, IClock clock)
        => AlertsApi.UpdateAsync(id, http, store, registry, webhooks, smtp, quotas, clock, this);

    public Task<IResult> Delete(string id, HttpContext http, IAlertStore store, AlertRegistry registry, IQuotaCounter quotas, IClock clock)
        => AlertsApi.DeleteAsync(id, http, store, registry, quotas, clock, this);
}
