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

    /// <summary>Opens a page; <paramref name="width"/> 390 is a phone, 1400 a desktop (the default is Playwright's 1280 × 720).</summary>
    public static async Task<ChromiumPage> OpenAsync(int width = 1280, int height = 720, bool reducedMotion = false, bool bypassCsp = false)
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
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ReducedMotion = reducedMotion ? ReducedMotion.Reduce : ReducedMotion.NoPreference,

            // Only for injecting axe-core (an inline script the service's CSP rightly refuses); never for header tests.
            BypassCSP = bypassCsp,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return new ChromiumPage(playwright, browser, page);
    }

    /// <summary>Fills and submits the login form the page shows, and waits for the page it returns to (the dashboard by default).</summary>
    public async Task LogInAsync(string baseAddress, string email, string password = TestData.Password, string returnsTo = "/")
    {
        await Page.FillAsync("#email", email);
        await Page.FillAsync("#password", password);
        await Page.ClickAsync("#login-submit");

        // The first login of a freshly started service (password hashing, the first dashboard render) shares two cores
        // with the other test classes' services: in one full run it took longer than the page's 20 s default.
        await Page.WaitForURLAsync(baseAddress + returnsTo, new() { Timeout = 60_000 });
    }

    /// <summary>
    /// Runs axe-core (vendored in Infrastructure/axe) on the page against WCAG 2.1 A and AA and returns the serious and
    /// critical violations, one line each ("rule: target, ...").
    /// </summary>
    public async Task<string[]> SeriousAccessibilityViolationsAsync()
    {
        await Page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "axe", "axe.min.js") });
        return await Page.EvaluateAsync<string[]>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
              return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
            }
            """);
    }

    /// <summary>
    /// Saves a full-page screenshot in the test output folder, and into <c>ASKPRO_SCREENSHOTS</c> when that is set
    /// (how docs/screenshots is made: see docs/dashboard.md).
    /// </summary>
    public async Task ScreenshotAsync(string name)
    {
        var bytes = await Page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Animations = ScreenshotAnimations.Disabled });
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, name + ".png"), bytes);
        if (Environment.GetEnvironmentVariable("ASKPRO_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, name + ".png"), bytes);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
