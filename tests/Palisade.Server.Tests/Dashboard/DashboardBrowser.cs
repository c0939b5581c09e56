using Microsoft.Playwright;

namespace Palisade.Server.Tests.Dashboard;

/// <summary>Debian's Chromium (/usr/bin/chromium, from scripts/install-test-deps.sh) driven by Playwright; no browser is downloaded.</summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IBrowserContext context)
    {
        _playwright = playwright;
        _browser = browser;
        Context = context;
    }

    public IBrowserContext Context { get; }

    public static async Task<DashboardBrowser> LaunchAsync(Uri baseAddress)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = Arguments,
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), AcceptDownloads = true });
        // Generous: a page load waits for Chromium, which on a busy 2-core machine took over 20 s once.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return new DashboardBrowser(playwright, browser, context);
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
