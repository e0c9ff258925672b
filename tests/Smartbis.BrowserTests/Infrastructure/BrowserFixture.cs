using Microsoft.Playwright;

namespace Smartbis.BrowserTests.Infrastructure;

/// <summary>
/// One headless Chromium for the browser tests: Debian's /usr/bin/chromium, or SMARTBIS_CHROMIUM.
/// Never downloads a browser (no `playwright install`). Each test takes a fresh context
/// (<see cref="NewContextAsync"/>): its own cookies and storage.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumVariable = "SMARTBIS_CHROMIUM";

    // --no-sandbox: root (CI containers) and hosts that forbid user namespaces cannot run Chromium's sandbox;
    // the browser only ever visits the app under test. The rest keep Chromium from calling home.
    public static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException(
                $"Chromium not found at {ExecutablePath}. Install Debian's chromium (./test.sh does) or set {ChromiumVariable}.");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        });
    }

    /// <summary>A fresh browser context on the app at <paramref name="baseUrl"/> (relative URLs resolve against it).</summary>
    public Task<IBrowserContext> NewContextAsync(Uri baseUrl, string locale = "pt-BR") =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            IgnoreHTTPSErrors = true, // the app serves a self-signed certificate made for this run
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
    }
}

/// <summary>
/// Browser test classes join this collection: they share one Chromium and run one after another
/// (two cores; a browser and an app each). Each class still has its own app and database (AppServerFixture).
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
