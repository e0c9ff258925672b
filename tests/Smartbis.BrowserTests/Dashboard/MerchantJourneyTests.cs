using System.Text.RegularExpressions;
using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data.Seed;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Smartbis.BrowserTests.Dashboard;

/// <summary>The app with a local SMTP server (invitations really travel) and a little demo history for the overview.</summary>
public sealed class DashboardAppFixture : AppServerFixture
{
    public SmtpServer Smtp { get; } = new();

    public override async Task InitializeAsync()
    {
        await Smtp.InitializeAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        foreach (var (key, value) in Smtp.AppSettings) settings[key] = value;
        // A short history, so the overview screenshot shows figures and charts without a long seed.
        settings["Smartbis:Seed:Customers"] = "25";
        settings["Smartbis:Seed:Days"] = "40";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

[Collection(BrowserCollection.Name)]
public sealed partial class MerchantJourneyTests(BrowserFixture browser, DashboardAppFixture app, ITestOutputHelper output)
    : IClassFixture<DashboardAppFixture>
{
    [Fact]
    public async Task A_new_merchant_signs_up_sets_7_percent_invites_a_cashier_who_only_reaches_the_counter()
    {
        await using var context = await browser.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(page, "dashboard-journey", async () =>
        {
            // Sign up from the public page.
            await page.GotoAsync("/");
            await page.Locator("a[href='/signup']").First.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/signup$"));
            await page.GetByTestId("signup-business").FillAsync("Farmácia Sol Nascente");
            await Expect(page.GetByTestId("signup-slug")).ToHaveValueAsync("farmacia-sol-nascente");
            await Expect(page.GetByTestId("slug-status")).ToHaveClassAsync(new Regex("text-success"));
            await page.GetByTestId("signup-slug").FillAsync("admin");
            await Expect(page.GetByTestId("slug-status")).ToHaveClassAsync(new Regex("text-danger"));
            await page.GetByTestId("signup-slug").FillAsync("sol-nascente");
            await page.GetByTestId("signup-owner").FillAsync("Helena Sol");
            await page.GetByTestId("signup-email").FillAsync("helena@solnascente.test");
            await page.GetByTestId("signup-password").FillAsync("sol nascente passphrase");
            await page.GetByTestId("signup-submit").ClickAsync();

            // The checklist.
            await Expect(page).ToHaveURLAsync(new Regex("/app/welcome$"));
            await Expect(page.GetByTestId("checklist")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-step=program]")).ToHaveAttributeAsync("data-done", "false");
            await Expect(page.GetByTestId("join-url")).ToHaveValueAsync(new Regex("/sol-nascente$"));
            await Artifacts.ScreenshotAsync(page, "dashboard-checklist", output);

            // 7% with the live example following as we type.
            await page.GotoAsync("/app/program");
            await Expect(page.GetByTestId("live-example")).ToContainTextAsync(new Regex(@"5,00"));
            await page.Locator("input[name='Input.EarnRatePercent']").FillAsync("7");
            await Expect(page.GetByTestId("live-example")).ToContainTextAsync(new Regex(@"100,00.*7,00"));
            await page.GetByTestId("save-rules").ClickAsync();
            await Expect(page.GetByTestId("version-history")).ToContainTextAsync("7%");
            await page.GotoAsync("/app/welcome");
            await Expect(page.Locator("[data-step=program]")).ToHaveAttributeAsync("data-done", "true");

            // Invite a cashier; the email arrives over SMTP.
            await page.GotoAsync("/app/staff");
            await page.GetByTestId("invite-email").FillAsync("caixa@solnascente.test");
            await page.GetByTestId("invite-role").SelectOptionAsync("Cashier");
            await page.GetByTestId("invite-send").ClickAsync();
            await Expect(page.GetByTestId("pending-invitations")).ToContainTextAsync("caixa@solnascente.test");
            var mail = await app.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains("caixa@solnascente.test"));
            var link = LinkPattern().Match(mail.TextBody ?? "").Value;
            link.Should().NotBeEmpty(mail.TextBody);

            // The overview of the new merchant (an artefact of the run).
            await page.GotoAsync("/app");
            await Expect(page.GetByTestId("overview-figures")).ToBeVisibleAsync();
            await Artifacts.ScreenshotAsync(page, "dashboard-overview-new-merchant", output);
        }, output);

        // The cashier accepts in their own browser and lands on the counter; the dashboard settings are closed to them.
        await using var cashierContext = await browser.NewContextAsync(app.BaseUrl);
        var cashier = await cashierContext.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(cashier, "dashboard-journey-cashier", async () =>
        {
            var mail = app.Smtp.Messages.Last(m => m.To.ToString().Contains("caixa@solnascente.test"));
            await cashier.GotoAsync(new Uri(LinkPattern().Match(mail.TextBody ?? "").Value).PathAndQuery);
            await cashier.GetByTestId("invite-name").FillAsync("Caio Caixa");
            await cashier.GetByTestId("invite-password").FillAsync("caixa passphrase 2026");
            await cashier.GetByTestId("invite-accept").ClickAsync();
            await Expect(cashier).ToHaveURLAsync(new Regex("/counter/?$"));
            var settings = await cashier.GotoAsync("/app/settings");
            settings!.Status.Should().Be(403);
            var program = await cashier.GotoAsync("/app/program");
            program!.Status.Should().Be(403);
        }, output);
    }

    [Fact]
    public async Task The_demo_owner_sees_a_populated_overview_with_charts()
    {
        var velluto = DemoSeed.Tenants.Single(t => t.Slug == "velluto");
        await using var context = await browser.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(page, "dashboard-overview-velluto", async () =>
        {
            await page.GotoAsync("/account/signin");
            await page.Locator("input[name='Input.Email']").FillAsync(velluto.Owner.Email);
            await page.Locator("input[name='Input.Password']").FillAsync(velluto.Owner.Password);
            await page.Locator("form button[type=submit]").Last.ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/app/?$"));
            await Expect(page.Locator("[data-figure=purchases]")).Not.ToHaveTextAsync("0");
            await Expect(page.Locator("[data-figure=members]")).Not.ToHaveTextAsync("0");
            // Chart.js drew on the canvas (it sets its own size attributes when it renders).
            await Expect(page.Locator("#chart-cashback")).ToHaveAttributeAsync("style", new Regex("height"));
            await Artifacts.ScreenshotAsync(page, "dashboard-overview", output);
        }, output);
    }

    [GeneratedRegex(@"https?://\S+/signup/invite/[A-Za-z0-9_-]+")]
    private static partial Regex LinkPattern();
}
