using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>The page shell (head, navigation) around a page's body, and the pieces every form needs.</summary>
public static class DashboardPage
{
    public static IResult Render(HttpContext http, string title, DashboardUser? user, Action<HtmlWriter> body, int status = StatusCodes.Status200OK)
    {
        var html = new HtmlWriter();
        html.Raw("<!DOCTYPE html>").Open("html", ("lang", "en")).Open("head")
            .Raw("<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Element("title", title + " · Palisade")
            .Open("link", ("rel", "stylesheet"), ("href", DashboardAssets.Path("dashboard.css")))
            .Open("script", ("src", DashboardAssets.Path("dashboard.js")), ("defer", "")).Close("script")
            .Close("head").Open("body").Open("header").Open("nav")
            .Element("a", "Palisade", ("href", "/dashboard"), ("class", "brand"));
        if (user is not null)
        {
            html.Element("a", "Keys", ("href", "/dashboard")).Element("a", "Blacklist", ("href", "/dashboard/blacklist"))
                .Element("a", "Alerts", ("href", "/dashboard/alerts")).Element("a", "Sensors", ("href", "/dashboard/sensors"));
            html.Open("form", ("method", "get"), ("action", "/dashboard/ip"), ("class", "lookup"))
                .Open("input", ("type", "search"), ("name", "address"), ("placeholder", "IP address"), ("aria-label", "IP address"), ("required", ""))
                .Element("button", "Look up", ("type", "submit")).Close("form");
            html.Element("span", user.Email, ("class", "who"));
            html.Open("form", ("method", "post"), ("action", "/dashboard/signout"), ("class", "inline"));
            Antiforgery(http, html);
            html.Element("button", "Sign out", ("type", "submit"), ("id", "sign-out")).Close("form");
        }

        html.Close("nav").Close("header").Open("main").Element("h1", title);
        body(html);
        html.Close("main").Open("footer").Raw("Palisade IP reputation").Close("footer").Close("body").Close("html");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }

    /// <summary>A page with just a message, for refusals and bad input (4xx).</summary>
    public static IResult Message(HttpContext http, DashboardUser? user, int status, string title, string message)
        => Render(http, title, user, html => html.Element("p", message, ("class", "error"), ("id", "message")), status);

    /// <summary>The hidden antiforgery field every POST form carries.</summary>
    public static void Antiforgery(HttpContext http, HtmlWriter html)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        html.Open("input", ("type", "hidden"), ("name", tokens.FormFieldName), ("value", tokens.RequestToken));
    }

    /// <summary>Validates a POST's antiforgery token against its cookie (and the signed-in user, when there is one).</summary>
    public static Task<bool> IsFormValidAsync(HttpContext http)
        => http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);

    public static IResult FormRejected(HttpContext http, DashboardUser? user)
        => Message(http, user, StatusCodes.Status400BadRequest, "Form rejected",
            "This form was not sent from this dashboard or has expired (antiforgery check failed). Reload the page and try again.");

    /// <summary>Tells the client when to try again (whole seconds, at least one).</summary>
    public static void RetryAfter(HttpContext http, TimeSpan wait)
        => http.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A redirect within the dashboard (303, so the browser follows with GET).</summary>
    public static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
