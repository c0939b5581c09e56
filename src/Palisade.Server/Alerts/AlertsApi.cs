using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Palisade.Core.Alerts;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Time;
using Palisade.Server.Access;
using Palisade.Server.Faces.Shared;
using Palisade.Server.Native;

namespace Palisade.Server.Alerts;

/// <summary>
/// The native face's alert endpoints: <c>GET/POST /v1/key/alerts</c>, <c>GET/PATCH/DELETE /v1/key/alerts/{id}</c>.
/// A key sees only its own alerts (another key's id answers 404, as an unknown one does). SikkerAPI's per-kind paths
/// (<see cref="AlertKindRoutes"/>) run the same handlers narrowed to one kind.
/// </summary>
public static class AlertsApi
{
    private const int MaxBodyBytes = 16 * 1024;
    private const int DeliveriesShown = 20;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/key/alerts").WithTags("Native");
        var access = NativeDialect.Instance.Access(QuotaFamily.Check, Feature.Alerts);
        Describe(api, "", "any kind",
            api.MapGet("", List).AddEndpointFilter(access),
            api.MapPost("", Create).AddEndpointFilter(access),
            api.MapGet("/{id}", Get).AddEndpointFilter(access),
            api.MapPatch("/{id}", Update).AddEndpointFilter(access),
            api.MapDelete("/{id}", Delete).AddEndpointFilter(access));
        foreach (var routes in AlertKindRoutes.All)
        {
            routes.Map(app, access);
        }

        return app;
    }

    /// <summary>Names, summaries and response types of one set of alert routes (<paramref name="kind"/> names the
    /// per-kind paths' operations apart: "Ip", "Range", …; empty for <c>/v1/key/alerts</c>).</summary>
    internal static void Describe(RouteGroupBuilder group, string kind, string what, RouteHandlerBuilder list, RouteHandlerBuilder create,
        RouteHandlerBuilder get, RouteHandlerBuilder update, RouteHandlerBuilder delete)
    {
        var native = NativeDialect.Instance;
        group.ProducesFaceErrors(native).ProducesFaceErrors(native, StatusCodes.Status400BadRequest);
        list.WithName($"List{kind}Alerts").WithSummary($"The key's alerts ({what}).").Produces<AlertList>();
        create.DescribesBody<AlertBody>().WithName($"Create{kind}Alert").WithSummary($"Create an alert ({what}); the answer carries the webhook secret once.")
            .Produces<AlertResource>(StatusCodes.Status201Created)
            .ProducesFaceErrors(native, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge);
        get.WithName($"Get{kind}Alert").WithSummary($"One alert ({what}) with its recent deliveries.")
            .Produces<AlertResource>().ProducesFaceErrors(native, StatusCodes.Status404NotFound);
        update.DescribesBody<AlertBody>().WithName($"Update{kind}Alert").WithSummary($"Change an alert ({what}): absent fields are kept, null clears.")
            .Produces<AlertResource>()
            .ProducesFaceErrors(native, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge);
        delete.WithName($"Delete{kind}Alert").WithSummary($"Delete an alert ({what}).")
            .Produces<AlertDeleted>().ProducesFaceErrors(native, StatusCodes.Status404NotFound);
    }

    public static Task<IResult> List(HttpContext http, IAlertStore store) => ListAsync(http, store, null);

    public static Task<IResult> Get(string id, HttpContext http, IAlertStore store) => GetAsync(id, http, store, null);

    public static Task<IResult> Create(HttpContext http, IAlertStore store, AlertRegistry registry, WebhookTargetPolicy webhooks, SmtpOptions smtp,
        IQuotaCounter quotas, IClock clock)
        => CreateAsync(http, store, registry, webhooks, smtp, quotas, clock, null);

    public static Task<IResult> Update(string id, HttpContext http, IAlertStore store, AlertRegistry registry, WebhookTargetPolicy webhooks,
        SmtpOptions smtp, IQuotaCounter quotas, IClock clock)
        => UpdateAsync(id, http, store, registry, webhooks, smtp, quotas, clock, null);

    public static Task<IResult> Delete(string id, HttpContext http, IAlertStore store, AlertRegistry registry, IQuotaCounter quotas, IClock clock)
        => DeleteAsync(id, http, store, registry, quotas, clock, null);

    // The handlers below serve both /v1/key/alerts (only = null) and one kind's path (only = that kind, whose alerts
    // alone are listed, found and deleted there; an alert of another kind answers 404 as an unknown id does).
    internal static async Task<IResult> ListAsync(HttpContext http, IAlertStore store, AlertKindRoutes? only)
    {
        var key = AccessContext.From(http).Key;
        var alerts = await store.ListByKeyAsync(key.Key.Id, http.RequestAborted);
        return Json(AlertJson.List(only is null ? alerts : [.. alerts.Where(a => a.Kind == only.Kind)]), StatusCodes.Status200OK);
    }

    internal static async Task<IResult> GetAsync(string id, HttpContext http, IAlertStore store, AlertKindRoutes? only)
    {
        var (alert, problem) = await FindAsync(id, http, store, only);
        if (problem is not null)
        {
            return problem;
        }

        var deliveries = await store.ListDeliveriesAsync(alert!.Id, DeliveriesShown, http.RequestAborted);
        return Json(AlertJson.One(alert, false, deliveries), StatusCodes.Status200OK);
    }

    internal static async Task<IResult> CreateAsync(HttpContext http, IAlertStore store, AlertRegistry registry, WebhookTargetPolicy webhooks,
        SmtpOptions smtp, IQuotaCounter quotas, IClock clock, AlertKindRoutes? only)
    {
        var key = AccessContext.From(http).Key;
        var (request, problem) = await ReadAsync(http, creating: true, webhooks, only);
        if (problem is not null)
        {
            return problem;
        }

        var limits = AlertLimits.For(key.Tier.Id);
        var kind = request!.Kind!.Value;
        if (!AlertTargets.TryNormalize(kind, request.Target!, limits, out var target, out var error))
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, error);
        }

        if (request.NotifyEmail is not null && !smtp.IsConfigured)
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, "E-mail delivery is not set up on this server (Palisade:Smtp:Host); use webhookUrl.");
        }

        var counts = await store.CountByKindAsync(key.Key.Id, http.RequestAborted);
        var current = counts.GetValueOrDefault(kind);
        if (current >= limits.LimitFor(kind) || counts.Values.Sum() >= AlertLimits.MaxPerKey)
        {
            // 409, not 403: SikkerAPI's client prints every 403 as "API key disabled or expired" and drops the body,
            // while any other refusal is shown with the server's message.
            var limit = Math.Min(limits.LimitFor(kind), AlertLimits.MaxPerKey);
            return NativeResults.Error(StatusCodes.Status409Conflict,
                $"The {key.Tier.DisplayName} tier allows {limit} {AlertTargets.Name(kind)} alert(s) (at most {AlertLimits.MaxPerKey} in all); delete one first.");
        }

        if (await ChargeChangeAsync(http, quotas, clock) is { } exhausted)
        {
            return exhausted;
        }

        var preferences = new AlertPreferences(request.MinScore ?? 0, request.Categories ?? [], request.NotifyEmail, request.WebhookUrl,
            request.Cooldown ?? AlertPreferences.DefaultCooldown);
        var alert = await store.CreateAsync(new Alert(0, key.Key.Id, kind, target, request.Label, request.Enabled ?? true, preferences,
            request.WebhookUrl is null ? null : NewSecret(), clock.UtcNow, null, 0, 0), http.RequestAborted);
        await registry.ReloadAsync(http.RequestAborted);
        http.Response.Headers.Location = (only?.Path ?? "/v1/key/alerts") + "/" + alert.Id.ToString(CultureInfo.InvariantCulture);
        return Json(AlertJson.One(alert, withSecret: true), StatusCodes.Status201Created);
    }

    internal static async Task<IResult> UpdateAsync(string id, HttpContext http, IAlertStore store, AlertRegistry registry,
        WebhookTargetPolicy webhooks, SmtpOptions smtp, IQuotaCounter quotas, IClock clock, AlertKindRoutes? only)
    {
        var (alert, problem) = await FindAsync(id, http, store, only);
        if (problem is not null)
        {
            return problem;
        }

        var (request, bodyProblem) = await ReadAsync(http, creating: false, webhooks, only);
        if (bodyProblem is not null)
        {
            return bodyProblem;
        }

        if (request!.Id is { } bodyId && bodyId != alert!.Id)
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, "The id in the body is not the id on the path; an alert's id cannot change.");
        }

        if (request.HasNotifyEmail && request.NotifyEmail is not null && !smtp.IsConfigured)
        {
            return NativeResults.Error(StatusCodes.Status400BadRequest, "E-mail delivery is not set up on this server (Palisade:Smtp:Host); use webhookUrl.");
        }

        if (await ChargeChangeAsync(http, quotas, clock) is { } exhausted)
        {
            return exhausted;
        }

        var old = alert!.Preferences;
        var preferences = new AlertPreferences(request.MinScore ?? old.MinScore, request.Categories ?? old.Categories,
            request.HasNotifyEmail ? request.NotifyEmail : old.NotifyEmail, request.HasWebhookUrl ? request.WebhookUrl : old.WebhookUrl,
            request.Cooldown ?? old.Cooldown);
        // A secret is made when a webhook is first added (and shown in this answer); an existing one is kept.
        var newSecret = preferences.WebhookUrl is not null && alert.WebhookSecret is null;
        var updated = alert with
        {
            Label = request.HasLabel ? request.Label : alert.Label,
            Enabled = request.Enabled ?? alert.Enabled,
            Preferences = preferences,
            WebhookSecret = newSecret ? NewSecret() : alert.WebhookSecret,
        };
        if (!await store.UpdateAsync(updated, http.RequestAborted))
        {
            return NotFound();
        }

        await registry.ReloadAsync(http.RequestAborted);
        return Json(AlertJson.One(updated, withSecret: newSecret), StatusCodes.Status200OK);
    }

    internal static async Task<IResult> DeleteAsync(string id, HttpContext http, IAlertStore store, AlertRegistry registry, IQuotaCounter quotas,
        IClock clock, AlertKindRoutes? only)
    {
        var key = AccessContext.From(http).Key;
        if (!TryParseId(id, out var alertId))
        {
            return BadId();
        }

        if (only is not null && (await store.GetAsync(alertId, http.RequestAborted))?.Kind != only.Kind)
        {
            return NotFound();
        }

        if (await ChargeChangeAsync(http, quotas, clock) is { } exhausted)
        {
            return exhausted;
        }

        if (!await store.DeleteAsync(key.Key.Id, alertId, http.RequestAborted))
        {
            return NotFound();
        }

        await registry.ReloadAsync(http.RequestAborted);
        // SikkerAPI's client requires exactly 200 here (a 204 is an error to it).
        return Json(AlertJson.Deleted(alertId), StatusCodes.Status200OK);
    }

    private static async Task<(Alert? Alert, IResult? Problem)> FindAsync(string id, HttpContext http, IAlertStore store, AlertKindRoutes? only)
    {
        if (!TryParseId(id, out var alertId))
        {
            return (null, BadId());
        }

        var alert = await store.GetAsync(alertId, http.RequestAborted);
        return alert is null || alert.KeyId != AccessContext.From(http).Key.Key.Id || (only is not null && alert.Kind != only.Kind)
            ? (null, NotFound())
            : (alert, null);
    }

    private static async Task<(AlertRequest? Request, IResult? Problem)> ReadAsync(HttpContext http, bool creating, WebhookTargetPolicy webhooks,
        AlertKindRoutes? only)
    {
        var body = await RequestBodyReader.ReadAsync(http.Request, MaxBodyBytes, http.RequestAborted);
        if (body is null)
        {
            return (null, NativeResults.Error(StatusCodes.Status413PayloadTooLarge, $"Request body is larger than {MaxBodyBytes / 1024} KB."));
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return (null, NativeResults.Error(StatusCodes.Status400BadRequest, "Request body is not valid UTF-8."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return (null, NativeResults.Error(StatusCodes.Status400BadRequest, "Request body is not valid JSON: " + ex.Message));
        }

        using (document)
        {
            // A kind's path needs that kind's target field; any other target is named as the wrong one.
            if (creating && only is not null && document.RootElement.ValueKind == JsonValueKind.Object &&
                !document.RootElement.TryGetProperty(only.TargetField, out _))
            {
                return (null, NativeResults.Error(StatusCodes.Status400BadRequest, only.MissingTargetMessage));
            }

            return AlertRequestParser.TryParse(document.RootElement, creating, webhooks, out var request, out var error)
                ? (request, null)
                : (null, NativeResults.Error(StatusCodes.Status400BadRequest, error));
        }
    }

    private static bool TryParseId(string text, out long id)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    /// <summary>
    /// An alert change is a write (and reloads every alert into the matcher), so a key cannot loop on it for free: each
    /// accepted create, update or delete costs one unit of the key's daily lookup quota, the family these endpoints
    /// report in their quota headers. Refused and bad requests cost nothing and change nothing.
    /// </summary>
    private static async ValueTask<IResult?> ChargeChangeAsync(HttpContext http, IQuotaCounter quotas, IClock clock)
    {
        var decision = await AccessContext.From(http).ChargeAsync(1, quotas, clock);
        return decision.Allowed ? null : NativeResults.Error(StatusCodes.Status429TooManyRequests, NativeApi.QuotaMessage("lookup", decision));
    }

    private static IResult BadId() => NativeResults.Error(StatusCodes.Status400BadRequest, "An alert id is a positive whole number.");

    private static IResult NotFound() => NativeResults.Error(StatusCodes.Status404NotFound, "No alert with this id belongs to this key.");

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Json(string body, int status) => TypedResults.Text(body, "application/json; charset=utf-8", statusCode: status);

    private static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
