using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Tests.Features;
using Smartbis.Web.Data.Seed;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Purchases;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Smartbis.BrowserTests.Operations;

public sealed class OperationsServerFixture : AppServerFixture
{
    protected override void ConfigureSettings(IDictionary<string, string?> settings) =>
        settings["Smartbis:Operators"] = DemoSeed.Operator.Email;
}

/// <summary>
/// The operator suspends LITORALCASH while its cashier's counter and a member's portal are open: both show the notice, the
/// counter cannot record; the operator reactivates and recording works again. Screenshots: test-artifacts/suspension-*.png.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SuspensionJourneyTests(BrowserFixture browser, OperationsServerFixture app, ITestOutputHelper output)
    : IClassFixture<OperationsServerFixture>
{
    private static DemoSeed.DemoTenant Litoral => DemoSeed.Tenants.Single(t => t.Slug == "litoralcash");

    [Fact]
    public async Task An_operator_suspends_a_tenant_while_its_counter_and_portal_are_open_then_reactivates_it()
    {
        var tenantId = await TenantIdAsync();
        var email = "paula.pausa@example.test";
        var (customerId, phone) = await NewMemberAsync(tenantId, "Paula Pausa", email);

        await using var cashierContext = await browser.NewContextAsync(app.BaseUrl);
        await using var memberContext = await browser.NewContextAsync(app.BaseUrl);
        await using var operatorContext = await browser.NewContextAsync(app.BaseUrl);
        var counter = await cashierContext.NewPageAsync();
        var portal = await memberContext.NewPageAsync();
        var admin = await operatorContext.NewPageAsync();
        Task Shot(IPage page, string step) => Artifacts.ScreenshotAsync(page, $"suspension-{step}", output);

        await Artifacts.CaptureOnFailureAsync(admin, "suspension", async () =>
        {
            // The cashier has the customer open at the counter; the member is on the portal.
            await SignInAsync(counter, Litoral.Cashier, "/counter");
            await counter.Locator("#q").FillAsync(phone[3..]);
            await counter.Keyboard.PressAsync("Enter");
            await Expect(counter.Locator("[data-testid=customer-card]")).ToBeVisibleAsync();
            await SignInToPortalAsync(portal, tenantId, customerId, email);
            await Expect(portal.Locator("[data-testid=available]")).ToContainTextAsync("R$");
            var balance = (await portal.Locator("[data-testid=available]").TextContentAsync())!.Trim();
            await Shot(counter, "01-counter-open");

            // The operator finds LITORALCASH and suspends it with a reason.
            await SignInAsync(admin, DemoSeed.Operator, "/admin");
            await admin.Locator("[data-testid=tenant-search]").FillAsync("litoral");
            await admin.Keyboard.PressAsync("Enter");
            await admin.Locator("tr[data-slug=litoralcash] a").First.ClickAsync();
            await Expect(admin.Locator("[data-testid=tenant-status]")).ToHaveTextAsync("Ativa");
            await admin.Locator("[data-testid=suspend-reason]").FillAsync("Fatura de novembro em aberto");
            await Shot(admin, "02-operator-suspends");
            await admin.Locator("[data-testid=suspend]").ClickAsync();
            await Expect(admin.Locator("[data-testid=tenant-status]")).ToHaveTextAsync("Suspensa");
            await Expect(admin.Locator("[data-testid=suspension-reason]")).ToHaveTextAsync("Fatura de novembro em aberto");
            await Shot(admin, "03-suspended");

            // The cashier tries to record: refused with the notice and the reason; nothing is recorded.
            await counter.Locator("[data-testid=amount]").FillAsync("100");
            await counter.Locator("[data-testid=record]").ClickAsync();
            await Expect(counter.Locator("[data-testid=suspended-notice]")).ToBeVisibleAsync();
            await Expect(counter.Locator("[data-testid=suspended-notice]")).ToContainTextAsync("Fatura de novembro em aberto");
            await Expect(counter).Not.ToHaveURLAsync(new Regex("/counter/receipt/"));
            await Shot(counter, "04-counter-refused");
            (await PurchasesAsync(tenantId, customerId)).Should().Be(1, "nothing was recorded while suspended");

            // The member's portal says the program is paused and still shows the balance.
            await portal.ReloadAsync();
            await Expect(portal.Locator("[data-testid=paused-notice]")).ToBeVisibleAsync();
            await Expect(portal.Locator("[data-testid=available]")).ToHaveTextAsync(balance);
            await Shot(portal, "05-portal-paused");

            // The operator reactivates; the counter records again and the portal's notice is gone.
            await admin.Locator("[data-testid=reactivate-reason]").FillAsync("Fatura paga");
            await admin.Locator("[data-testid=reactivate]").ClickAsync();
            await Expect(admin.Locator("[data-testid=tenant-status]")).ToHaveTextAsync("Ativa");
            await Shot(admin, "06-reactivated");
            await counter.GotoAsync($"/counter?c={customerId}");
            await Expect(counter.Locator("[data-testid=suspended-notice]")).ToHaveCountAsync(0);
            await counter.Locator("[data-testid=amount]").FillAsync("100");
            await counter.Locator("[data-testid=record]").ClickAsync();
            await Expect(counter).ToHaveURLAsync(new Regex("/counter/receipt/"));
            await Shot(counter, "07-counter-records-again");
            (await PurchasesAsync(tenantId, customerId)).Should().Be(2);
            await portal.ReloadAsync();
            await Expect(portal.Locator("[data-testid=paused-notice]")).ToHaveCountAsync(0);
            await Shot(portal, "08-portal-resumed");

            // The console's list and metrics, as the operator reads them.
            await admin.GotoAsync("/admin");
            await Expect(admin.Locator("tr[data-slug=litoralcash]")).ToBeVisibleAsync();
            await Shot(admin, "09-tenant-list");
            await admin.GotoAsync("/admin/metrics");
            await Expect(admin.Locator("[data-testid=job-health]")).ToBeVisibleAsync();
            await Shot(admin, "10-metrics");
        }, output);
    }

    private static async Task SignInAsync(IPage page, DemoSeed.DemoUser who, string landsOn)
    {
        await page.GotoAsync("/account/signin");
        var form = page.Locator("form", new PageLocatorOptions { Has = page.Locator("input[name='Input.Email']") });
        await form.Locator("input[name='Input.Email']").FillAsync(who.Email);
        await form.Locator("input[name='Input.Password']").FillAsync(who.Password);
        await form.Locator("button[type=submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(landsOn) + "/?$"));
        await page.WaitForDocumentLoadedAsync();
    }

    /// <summary>Through the real sign-in page; the code the member would read in the email is planted as the latest one.</summary>
    private async Task SignInToPortalAsync(IPage page, Guid tenantId, Guid customerId, string email)
    {
        await page.GotoAsync($"/{Litoral.Slug}/signin");
        await page.Locator("[data-testid=identifier]").FillAsync(email);
        await page.Locator("[data-testid=send-code]").ClickAsync();
        await Expect(page.Locator("[data-testid=code]")).ToBeVisibleAsync();
        await using (var scope = app.Factory.CreateScope(tenantId))
        {
            var now = DateTimeOffset.UtcNow.AddSeconds(1);
            scope.Db.SignInCodes.Add(new SignInCode
            {
                CustomerId = customerId, Purpose = CodePurpose.SignIn, CodeHash = SendSignInCode.Hash(tenantId, customerId, "424242"),
                SentTo = "p***@example.test", CreatedAt = now, ExpiresAt = now + CodeLimits.Validity,
            });
            await scope.Db.SaveChangesAsync();
        }
        await page.Locator("[data-testid=code]").FillAsync("424242");
        await page.Locator("[data-testid=verify-code]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/{Litoral.Slug}/home"));
    }

    private async Task<Guid> TenantIdAsync()
    {
        await using var scope = app.Factory.CreateScope();
        return await scope.Db.Tenants.Where(x => x.Slug == Litoral.Slug).Select(x => x.Id).SingleAsync();
    }

    private async Task<int> PurchasesAsync(Guid tenantId, Guid customerId)
    {
        await using var scope = app.Factory.CreateScope(tenantId);
        return await scope.Db.Purchases.CountAsync(p => p.CustomerId == customerId);
    }

    /// <summary>A member with a balance available (a R$ 200,00 purchase at 5%, available at once under LITORALCASH's rules).</summary>
    private async Task<(Guid Id, string Phone)> NewMemberAsync(Guid tenantId, string name, string email)
    {
        var phone = LedgerTestKit.NewPhone();
        await using var scope = app.Factory.CreateScope(tenantId);
        var joined = await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request(name, phone, email, EmailConsent: true));
        var store = await scope.Db.Stores.OrderBy(s => s.Name).Select(s => s.Id).FirstAsync();
        await scope.Get<RecordPurchase>().ExecuteAsync(new RecordPurchase.Request(store, joined.CustomerId, null, 200_00, null, LedgerTestKit.NewKey()));
        return (joined.CustomerId, phone);
    }
}
