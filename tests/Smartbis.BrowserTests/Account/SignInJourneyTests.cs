using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Web.Data.Seed;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Smartbis.BrowserTests.Account;

[Collection(BrowserCollection.Name)]
public sealed class SignInJourneyTests(BrowserFixture browser, AppServerFixture app, ITestOutputHelper output)
    : IClassFixture<AppServerFixture>
{
    [Fact]
    public async Task Owner_signs_in_sees_the_dashboard_shell_and_signs_out()
    {
        var velluto = DemoSeed.Tenants.Single(t => t.Slug == "velluto");
        await using var context = await browser.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        var home = new Uri(app.BaseUrl, "/").ToString();

        await Artifacts.CaptureOnFailureAsync(page, nameof(Owner_signs_in_sees_the_dashboard_shell_and_signs_out), async () =>
        {
            await page.GotoAsync("/");
            await page.Locator("[data-testid=signin-link]").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/account/signin", RegexOptions.IgnoreCase));

            var form = page.Locator("form", new PageLocatorOptions { Has = page.Locator("input[name='Input.Email']") });
            await form.Locator("input[name='Input.Email']").FillAsync(velluto.Owner.Email);
            await form.Locator("input[name='Input.Password']").FillAsync(velluto.Owner.Password);
            await form.Locator("button[type=submit]").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex(@"/app/?(\?.*)?$", RegexOptions.IgnoreCase));
            await Expect(page.Locator("[data-testid=tenant-name]")).ToContainTextAsync("Velluto");
            await Artifacts.ScreenshotAsync(page, "signin-journey-dashboard", output);

            await page.Locator("[data-testid=signout]").ClickAsync();

            await Expect(page).ToHaveURLAsync(home);
            await Expect(page.Locator("[data-testid=signin-link]")).ToBeVisibleAsync();
            // Signed out for real: the dashboard sends us back to sign in.
            await page.GotoAsync("/app");
            await Expect(page).ToHaveURLAsync(new Regex("/account/signin", RegexOptions.IgnoreCase));
        }, output);
    }
}
