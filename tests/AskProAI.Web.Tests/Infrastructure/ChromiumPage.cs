using Microsoft.Playwright;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>
/// A page in Debian's headless Chromium (never a downloaded browser), en-US, 20 s default timeout; the browser tests
/// fail with a clear message when Chromium is not installed.
/// </summary>
public sealed class ChromiumPage : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ChromiumPage(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
    }

    public IPage Page { get; }

    public static async Task<ChromiumPage> OpenAsync()
    {
        Assert.True(
            File.Exists(ChromiumPath),
            $"Chromium is missing at {ChromiumPath}. Install the Debian package 'chromium' (bash scripts/test.sh does); never run 'playwright install'.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return new ChromiumPage(playwright, browser, page);
    }

    /// <summary>Fills and submits the login form the page shows, and waits for the dashboard.</summary>
    public async Task LogInAsync(string baseAddress, string email, string password = TestData.Password)
    {
        await Page.FillAsync("#email", email);
        await Page.FillAsync("#password", password);
        await Page.ClickAsync("#login-submit");
        await Page.WaitForURLAsync(baseAddress + "/");
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
