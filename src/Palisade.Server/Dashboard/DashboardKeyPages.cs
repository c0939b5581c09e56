using System.Globalization;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Core.Reputation;
using Palisade.Core.Storage;
using Palisade.Core.Time;
using Palisade.Storage;

namespace Palisade.Server.Dashboard;

/// <summary>The overview: the user's keys with today's usage per quota family; create (secret shown once) and revoke.</summary>
public static class DashboardKeyPages
{
    public const int MaxNameLength = 64;
    private static readonly string[] Headings = ["Name", "Key", "Tier", "Created"];

    public static async Task<IResult> Overview(HttpContext http, SqlDashboardUserStore users, IKeyStore keyStore, KeyRing keyRing, IQuotaCounter quotas,
        DashboardFlash flash, IClock clock)
    {
        var user = DashboardSession.User(http);

        var keys = await OwnedKeysAsync(user, users, keyStore, http.RequestAborted);
        var now = clock.UtcNow;
        var usage = new Dictionary<long, QuotaDecision[]>();
        foreach (var key in keys.Where(k => !k.IsRevoked))
        {
            var tier = keyRing.Tiers.TryGet(key.TierId, out var found) ? found : null;
            var decisions = new QuotaDecision[QuotaFamilies.All.Count];
            for (var i = 0; i < decisions.Length; i++)
            {
                var family = QuotaFamilies.All[i];
                var limit = tier is null ? 0 : new AuthenticatedKey(key, tier).LimitFor(family);
                decisions[i] = await quotas.PeekAsync(key.Id, family, limit, now);
            }

            usage[key.Id] = decisions;
        }

        var created = flash.Take(http, user.Id);
        return DashboardPage.Render(http, "API keys", user, html =>
        {
            if (created is not null)
            {
                html.Open("section", ("class", "notice"), ("id", "new-key"))
                    .Element("p", "Your new API key. Copy it now: it is shown only this once and cannot be recovered.")
                    .Element("p", created, ("class", "secret"), ("id", "new-key-secret")).Close("section");
            }

            if (!user.IsVerified)
            {
                html.Element("p", $"Verify your e-mail address to create keys: open the link we sent to {user.Email}.", ("class", "notice"), ("id", "unverified"));
            }

            html.Open("section").Element("h2", "Your keys");
            if (keys.Count == 0)
            {
                html.Element("p", "No keys yet. Create one below.", ("class", "muted"));
            }
            else
            {
                html.Open("table", ("id", "keys")).Open("thead").Open("tr");
                foreach (var heading in Headings.Concat(QuotaFamilies.All.Select(f => "Today: " + QuotaFamilies.Name(f))).Append(""))
                {
                    html.Element("th", heading);
                }

                html.Close("tr").Close("thead").Open("tbody");
                foreach (var key in keys)
                {
                    var id = key.Id.ToString(CultureInfo.InvariantCulture);
                    html.Open("tr", ("data-key-id", id), ("class", key.IsRevoked ? "revoked" : null))
                        .Element("td", DisplayName(user, key), ("class", "key-name"))
                        .Open("td").Element("code", key.Prefix + "…").Close("td")
                        .Element("td", key.TierId)
                        .Element("td", key.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    if (usage.TryGetValue(key.Id, out var decisions))
                    {
                        foreach (var decision in decisions)
                        {
                            html.Element("td", decision.Used.ToString(CultureInfo.InvariantCulture) + " / " +
                                (decision.Limit is { } limit ? limit.ToString(CultureInfo.InvariantCulture) : "unlimited"),
                                ("class", "usage"), ("data-family", QuotaFamilies.Name(decision.Family)));
                        }

                        html.Open("td").Open("form", ("method", "post"), ("action", $"/dashboard/keys/{id}/revoke"), ("class", "inline"),
                            ("data-confirm", $"Revoke {key.Name}? Programs using it stop working at once."));
                        DashboardPage.Antiforgery(http, html);
                        html.Element("button", "Revoke", ("type", "submit"), ("class", "danger revoke")).Close("form").Close("td");
                    }
                    else
                    {
                        html.Open("td", ("colspan", (QuotaFamilies.All.Count + 1).ToString(CultureInfo.InvariantCulture)))
                            .Text("revoked " + key.RevokedAt!.Value.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Close("td");
                    }

                    html.Close("tr");
                }

                html.Close("tbody").Close("table");
            }

            html.Close("section").Open("section").Element("h2", "Create a key")
                .Open("form", ("method", "post"), ("action", "/dashboard/keys"), ("id", "create-key"));
            DashboardPage.Antiforgery(http, html);
            html.Element("label", "Name", ("for", "key-name"))
                .Open("input", ("id", "key-name"), ("name", "name"), ("required", ""), ("maxlength", MaxNameLength.ToString(CultureInfo.InvariantCulture)),
                    ("placeholder", "web-01 fail2ban"))
                .Open("p").Element("button", "Create key", ("type", "submit")).Close("p").Close("form").Close("section");
        });
    }

    public static async Task<IResult> Create(HttpContext http, SqlDashboardUserStore users, IKeyStore keyStore, KeyRing keyRing, DashboardOptions options,
        DashboardFlash flash, IClock clock)
    {
        var user = DashboardSession.User(http);

        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, user);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var name = form["name"].ToString().Trim();
        if (name.Length is 0 or > MaxNameLength || name.Any(char.IsControl))
        {
            return DashboardPage.Message(http, user, StatusCodes.Status400BadRequest, "Key not created",
                $"A key needs a name of 1 to {MaxNameLength} characters, without control characters.");
        }

        if (!user.IsVerified)
        {
            return DashboardPage.Message(http, user, StatusCodes.Status403Forbidden, "Key not created",
                "Verify your e-mail address first: open the link we sent you.");
        }

        if (!keyRing.Tiers.TryGet(options.SignUpTier, out var tier))
        {
            return DashboardPage.Message(http, user, StatusCodes.Status503ServiceUnavailable, "Key not created",
                $"The server's sign-up tier '{options.SignUpTier}' does not exist; ask the operator to fix Palisade:Dashboard:SignUpTier.");
        }

        // Names are per account (stored as "dashboard:<account>:<name>", so only this account's keys can clash).
        var storedName = StoredName(user, name);
        if ((await OwnedKeysAsync(user, users, keyStore, http.RequestAborted)).Any(k => k.Name == storedName))
        {
            return NameTaken(http, user, name);
        }

        // One conditional UPDATE takes a slot: concurrent creations cannot pass the limit.
        if (!await users.TryReserveKeySlotAsync(user.Id, options.MaxKeysPerUser, http.RequestAborted))
        {
            return DashboardPage.Message(http, user, StatusCodes.Status403Forbidden, "Key not created",
                $"An account can own at most {options.MaxKeysPerUser} keys.");
        }

        var secret = ApiKeySecrets.Generate(tier.Id);
        ApiKey key;
        try
        {
            // Every key of an account is one reporter (docs/scoring.md "Reporters"), self-service, grouped with the network the account was made from.
            key = await keyStore.CreateAsync(new ApiKey(0, storedName, tier.Id, ApiKeySecrets.Hash(secret), ApiKeySecrets.PrefixOf(secret), clock.UtcNow,
                null, new Dictionary<QuotaFamily, long>())
            {
                Reporter = "account-" + user.Id.ToString(CultureInfo.InvariantCulture),
                SelfService = true,
                Network = user.SignUpNetwork ?? ReporterBook.NetworkOf(http.Connection.RemoteIpAddress?.ToString()),
            }, http.RequestAborted);
        }
        catch (System.Data.Common.DbException)
        {
            await users.ReleaseKeySlotAsync(user.Id, CancellationToken.None);
            // The same name created concurrently by this account: the unique name refused the second one.
            if ((await OwnedKeysAsync(user, users, keyStore, CancellationToken.None)).Any(k => k.Name == storedName) ||
                (await keyStore.ListAsync(CancellationToken.None)).Any(k => k.Name == storedName))
            {
                return NameTaken(http, user, name);
            }

            throw;
        }

        try
        {
            await users.LinkKeyAsync(user.Id, key.Id, http.RequestAborted);
        }
        catch
        {
            // A key nobody owns must not stay usable.
            await keyStore.RevokeAsync(key.Id, clock.UtcNow, CancellationToken.None);
            throw;
        }

        flash.Set(http, user.Id, secret);
        return DashboardPage.SeeOther(http, "/dashboard");
    }

    public static async Task<IResult> Revoke(string id, HttpContext http, SqlDashboardUserStore users, IKeyStore keyStore, KeyRing keyRing,
        IChangeSignal changes, IClock clock)
    {
        var user = DashboardSession.User(http);

        if (!await DashboardPage.IsFormValidAsync(http))
        {
            return DashboardPage.FormRejected(http, user);
        }

        // Another user's key answers as an unknown one does.
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var keyId) || !await users.OwnsKeyAsync(user.Id, keyId, http.RequestAborted))
        {
            return DashboardPage.Message(http, user, StatusCodes.Status404NotFound, "No such key", "You have no key with this id.");
        }

        if (await keyStore.RevokeAsync(keyId, clock.UtcNow, http.RequestAborted))
        {
            // This node forgets the key now; the others on their next poll of the change signal.
            await keyRing.ReloadAsync(http.RequestAborted);
            await changes.BumpAsync(http.RequestAborted);
        }

        return DashboardPage.SeeOther(http, "/dashboard");
    }

    /// <summary>The key's name as its owner gave it (without the account prefix the key store holds).</summary>
    public static string DisplayName(DashboardUser user, ApiKey key)
        => key.Name.StartsWith(StoredName(user, ""), StringComparison.Ordinal) ? key.Name[StoredName(user, "").Length..] : key.Name;

    private static string StoredName(DashboardUser user, string name) => "dashboard:" + user.Id.ToString(CultureInfo.InvariantCulture) + ":" + name;

    private static IResult NameTaken(HttpContext http, DashboardUser user, string name)
        => DashboardPage.Message(http, user, StatusCodes.Status409Conflict, "Key not created",
            $"You already have a key named '{name}'; choose another name.");

    /// <summary>The user's keys (active and revoked), oldest first.</summary>
    public static async Task<IReadOnlyList<ApiKey>> OwnedKeysAsync(DashboardUser user, SqlDashboardUserStore users, IKeyStore keyStore,
        CancellationToken cancellationToken)
    {
        var ids = (await users.KeyIdsAsync(user.Id, cancellationToken)).ToHashSet();
        if (ids.Count == 0)
        {
            return [];
        }

        return [.. (await keyStore.ListAsync(cancellationToken)).Where(k => ids.Contains(k.Id)).OrderBy(k => k.Id)];
    }
}
