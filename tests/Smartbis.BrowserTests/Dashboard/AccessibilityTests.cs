using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Web.Data.Seed;
using Smartbis.Web.Features.Customers;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Smartbis.BrowserTests.Dashboard;

/// <summary>
/// axe-core on each audience's main pages (the portal's program page and home are checked in PortalJourneyTests): the
/// dashboard overview, customers and rules, the counter empty and with a customer, the sign-up page — zero serious or
/// critical violations. On a phone the dashboard's menu is collapsed behind a button; an empty overview has whole-number axes.
/// </summary>
/// <summary>The demo tenants without history (a new merchant's empty overview), in a database of their own.</summary>
public sealed class AccessibilityAppFixture : AppServerFixture;

[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture browser, AccessibilityAppFixture app, ITestOutputHelper output)
    : IClassFixture<AccessibilityAppFixture>
{
    private static readonly DemoSeed.DemoTenant Velluto = DemoSeed.Tenants.Single(t => t.Slug == "velluto");

    private async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        foreach (var v in result.Violations) output.WriteLine($"axe {what}: {v.Impact} {v.Id}: {v.Help} ({v.Nodes.Length} nodes)");
        result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Take(5).Select(n => string.Join(" ", n.Target)))}")
            .Should().BeEmpty($"the {what} must have no serious or critical accessibility violations");
    }

    private static async Task SignInAsync(IPage page, DemoSeed.DemoUser user)
    {
        await page.GotoAsync("/account/signin");
        var form = page.Locator("form", new PageLocatorOptions { Has = page.Locator("input[name='Input.Email']") });
        await form.Locator("input[name='Input.Email']").FillAsync(user.Email);
        await form.Locator("input[name='Input.Password']").FillAsync(user.Password);
        await form.Locator("button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(new Regex("/(app|counter)"));
    }

    [Fact]
    public async Task The_main_pages_of_owner_and_cashier_and_the_sign_up_have_no_serious_violations()
    {
        await using var context = await browser.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(page, "a11y-dashboard", async () =>
        {
            await page.GotoAsync("/signup");
            await AssertAccessibleAsync(page, "sign-up page");

            await SignInAsync(page, Velluto.Owner);
            await page.GotoAsync("/app");
            await Expect(page.Locator("#chart-cashback")).ToBeVisibleAsync();
            await AssertAccessibleAsync(page, "dashboard overview");
            // The demo merchant has no history here: its money axis steps in whole reais, not "R$ 1, R$ 1, R$ 1, R$ 0".
            var ticks = await page.EvaluateAsync<string[]>("() => Chart.getChart(document.getElementById('chart-cashback')).scales.y.ticks.map(t => t.label)");
            ticks.Should().OnlyHaveUniqueItems().And.HaveCountGreaterThan(2);
            ticks.Should().Contain(l => l.Contains("100"));
            await Artifacts.ScreenshotAsync(page, "a11y-01-overview", output);

            await page.GotoAsync("/app/customers");
            await AssertAccessibleAsync(page, "customers list");
            await page.GotoAsync("/app/program");
            await AssertAccessibleAsync(page, "rules page");
        }, output);

        Guid tenantId, customer;
        await using (var read = app.Factory.CreateScope(null))
            tenantId = await read.Db.Tenants.Where(t => t.Slug == "velluto").Select(t => t.Id).SingleAsync();
        await using (var scope = app.Factory.CreateScope(tenantId))
            customer = (await scope.Services.GetRequiredService<EnrollCustomer>().ExecuteAsync(
                new EnrollCustomer.Request("Clara Acessível", "+5511938105090", "clara.a11y@example.com"))).CustomerId;

        await using var cashierContext = await browser.NewContextAsync(app.BaseUrl);
        var counter = await cashierContext.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(counter, "a11y-counter", async () =>
        {
            await SignInAsync(counter, Velluto.Cashier);
            await counter.GotoAsync("/counter");
            await AssertAccessibleAsync(counter, "counter (empty)");
            await counter.GotoAsync($"/counter?c={customer}");
            await Expect(counter.Locator("[data-testid=balance-available]")).ToBeVisibleAsync();
            await Expect(counter.Locator("#counter")).ToContainTextAsync("(11) 93810-5090"); // a phone as people write it
            await AssertAccessibleAsync(counter, "counter with a customer");
            await Artifacts.ScreenshotAsync(counter, "a11y-02-counter-customer", output);
        }, output);
    }

    [Fact]
    public async Task On_a_phone_the_dashboard_menu_is_collapsed_behind_a_button()
    {
        await using var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl.ToString(), IgnoreHTTPSErrors = true, Locale = "pt-BR",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true,
        });
        var page = await context.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(page, "phone-dashboard", async () =>
        {
            await SignInAsync(page, Velluto.Owner);
            await page.GotoAsync("/app/customers");
            await Expect(page.Locator("[data-testid=sidebar]")).ToBeHiddenAsync();
            await Expect(page.Locator("main h1")).ToBeInViewportAsync();
            await Artifacts.ScreenshotAsync(page, "phone-01-dashboard-menu-closed", output);
            await page.Locator("[data-testid=menu-toggle]").ClickAsync();
            await Expect(page.Locator("[data-testid=sidebar]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=sidebar]").GetByRole(AriaRole.Link, new() { Name = "Clientes" })).ToBeVisibleAsync();
            await Artifacts.ScreenshotAsync(page, "phone-02-dashboard-menu-open", output);
            await AssertAccessibleAsync(page, "dashboard on a phone with the menu open");
        }, output);

        // On a desktop the menu is always there, no button.
        await using var desktop = await browser.NewContextAsync(app.BaseUrl);
        var wide = await desktop.NewPageAsync();
        await SignInAsync(wide, Velluto.Owner);
        await wide.GotoAsync("/app/customers");
        await Expect(wide.Locator("[data-testid=sidebar]")).ToBeVisibleAsync();
        await Expect(wide.Locator("[data-testid=menu-toggle]")).ToBeHiddenAsync();
    }
}
