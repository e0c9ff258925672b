using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Smartbis.BrowserTests.Infrastructure;
using Smartbis.BrowserTests.Portal;
using Smartbis.Tests.Features;
using Smartbis.Tests.Features.Rewards;
using Smartbis.Web.Data;
using Smartbis.Web.Data.Seed;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Rewards;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Smartbis.BrowserTests.Rewards;

/// <summary>
/// The reward catalogue of the demo points merchant (Aurora): a member redeems a reward on the portal on a phone (one
/// confirmation, then a code and QR on "my rewards"); the cashier redeems a second one for them at the counter and hands
/// over the first by the code the member shows. Each redemption spends its points once. Screenshots in
/// test-artifacts/catalogue-*.png.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class CatalogueJourneyTests(BrowserFixture browser, PortalServerFixture app, ITestOutputHelper output)
    : IClassFixture<PortalServerFixture>
{
    private static DemoSeed.DemoTenant Aurora => DemoSeed.Tenants.Single(t => t.Slug == "aurora");

    [Fact]
    public async Task A_member_redeems_on_the_portal_and_the_cashier_redeems_another_and_hands_over_the_first_by_its_code()
    {
        var tenantId = await WithDbAsync(null, db => db.Tenants.Where(t => t.Slug == Aurora.Slug).Select(t => t.Id).SingleAsync());
        var unit = await WithDbAsync(null, db => db.Tenants.Where(t => t.Id == tenantId).Select(t => new { t.CurrencyName, t.Locale }).SingleAsync());
        string Pts(long points) => Smartbis.Web.Features.Programs.RewardUnits.Format(points, Smartbis.Web.Features.Programs.RewardType.Points, unit.CurrencyName, locale: unit.Locale);

        // The catalogue and the member, through the operations the app uses (rewards saved as a manager would, points as a
        // manager's credit).
        var suffix = Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
        var mug = $"Caneca {suffix}";
        var cake = $"Bolo {suffix}";
        var basket = $"Cesta {suffix}";
        var email = $"membro.{suffix.ToLowerInvariant()}@example.test";
        var phone = LedgerTestKit.NewPhone();
        Guid customerId;
        await using (var scope = app.Factory.CreateScope(tenantId))
        {
            var save = scope.Get<SaveReward>();
            await save.ExecuteAsync(RewardsKit.Reward(mug, cost: 300, stock: 20), AuditActor.System);
            await save.ExecuteAsync(RewardsKit.Reward(cake, cost: 500), AuditActor.System);
            await save.ExecuteAsync(RewardsKit.Reward(basket, cost: 50_000), AuditActor.System);
            var joined = await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request("Marta Pontos", phone, email, EmailConsent: true));
            customerId = joined.CustomerId;
        }
        await using (var scope = app.Factory.CreateScope(tenantId))
            await scope.Get<AdjustBalance>().ExecuteAsync(new AdjustBalance.Request(customerId, 1_000, "Opening points", "manager-1", LedgerTestKit.NewKey()), AuditActor.System);
        var start = (await BalancesAsync(tenantId, customerId)).AvailableCents;
        start.Should().BeGreaterThanOrEqualTo(1_000).And.BeLessThan(50_000);

        // 1) The member on a phone.
        string shownCode = "";
        await using (var context = await PhoneContextAsync())
        {
            var page = await context.NewPageAsync();
            await Artifacts.CaptureOnFailureAsync(page, "catalogue-portal", async () =>
            {
                await page.GotoAsync($"{Aurora.Slug}/signin");
                await page.Locator("[data-testid=identifier]").FillAsync(email);
                await page.Locator("[data-testid=send-code]").ClickAsync();
                await page.Locator("[data-testid=code]").FillAsync(await CodeSentToAsync(email));
                await page.Locator("[data-testid=verify-code]").ClickAsync();
                await Expect(page).ToHaveURLAsync(new Regex($"/{Aurora.Slug}/home$"), new() { Timeout = 30_000 });

                await page.Locator("[data-testid=rewards-link]").ClickAsync();
                await Expect(page).ToHaveURLAsync(new Regex($"/{Aurora.Slug}/rewards$"));
                await Expect(page.Locator("[data-testid=points-available]")).ToHaveTextAsync(Pts(start));
                var mugCard = Card(page, mug);
                await Expect(mugCard.Locator("[data-testid=redeem]")).ToBeVisibleAsync();
                await Expect(Card(page, cake).Locator("[data-testid=redeem]")).ToBeVisibleAsync();
                await Expect(Card(page, basket).Locator("[data-testid=redeem]")).ToHaveCountAsync(0);
                await Expect(Card(page, basket).Locator("[data-testid=points-away]")).ToContainTextAsync(Pts(50_000 - start));
                await Card(page, basket).ScrollIntoViewIfNeededAsync();
                await Shot(page, "catalogue-01-portal-catalogue");

                await mugCard.Locator("[data-testid=redeem]").ClickAsync();
                await Expect(page.Locator("[data-testid=confirm]")).ToBeVisibleAsync();
                await Expect(page.Locator("[data-testid=confirm]")).ToContainTextAsync(mug);
                await Expect(page.Locator("[data-testid=confirm]")).ToContainTextAsync(Pts(start - 300));
                await Shot(page, "catalogue-02-portal-confirm");
                (await ClaimsAsync(tenantId, customerId)).Should().BeEmpty("opening the confirmation redeems nothing");

                await page.Locator("[data-testid=confirm-redeem]").DblClickAsync();
                await Expect(page).ToHaveURLAsync(new Regex($"/{Aurora.Slug}/rewards/mine"), new() { Timeout = 30_000 });
                await Expect(page.Locator("[data-testid=redeemed]")).ToBeVisibleAsync();
                var claim = page.Locator("[data-testid=claim]", new() { HasText = mug });
                await Expect(claim).ToHaveAttributeAsync("data-status", "Claimed");
                await Expect(claim.Locator("img.qr-small")).ToBeVisibleAsync();
                shownCode = (await claim.Locator("[data-testid=claim-code]").InnerTextAsync()).Trim();
                shownCode.Should().MatchRegex("^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$");
                await Shot(page, "catalogue-03-portal-my-rewards");

                await page.GotoAsync($"{Aurora.Slug}/rewards");
                await Expect(page.Locator("[data-testid=points-available]")).ToHaveTextAsync(Pts(start - 300));
                await Shot(page, "catalogue-04-portal-balance-after");
            }, output);
        }
        (await BalancesAsync(tenantId, customerId)).AvailableCents.Should().Be(start - 300, "a double click on the confirmation spends once");

        // 2) The cashier at the counter.
        await using (var context = await browser.NewContextAsync(app.BaseUrl))
        {
            var page = await context.NewPageAsync();
            await Artifacts.CaptureOnFailureAsync(page, "catalogue-counter", async () =>
            {
                await page.GotoAsync("/account/signin");
                var form = page.Locator("form", new PageLocatorOptions { Has = page.Locator("input[name='Input.Email']") });
                await form.Locator("input[name='Input.Email']").FillAsync(Aurora.Cashier.Email);
                await form.Locator("input[name='Input.Password']").FillAsync(Aurora.Cashier.Password);
                await form.Locator("button[type=submit]").ClickAsync();
                await Expect(page).ToHaveURLAsync(new Regex("/counter/?$"), new() { Timeout = 30_000 });
                await page.WaitForDocumentLoadedAsync();

                await page.Locator("#q").FillAsync(phone[3..]);
                await page.Locator("#q").PressAsync("Enter");
                await Expect(page.Locator("[data-testid=customer-name]")).ToHaveTextAsync("Marta Pontos");
                await Shot(page, "catalogue-05-counter-customer");

                await page.Locator("[data-testid=card-rewards-all]").ClickAsync();
                await Expect(page).ToHaveURLAsync(new Regex("/counter/rewards\\?c="));
                await Expect(page.Locator("[data-testid=points-available]")).ToHaveTextAsync(Pts(start - 300));
                var cakeRow = page.Locator($"[data-testid=counter-reward][data-reward-name='{cake}']");
                await cakeRow.Locator("[data-testid=counter-redeem]").ClickAsync();
                await Expect(page.Locator("[data-testid=confirm]")).ToContainTextAsync(cake);
                await Expect(page.Locator("[data-testid=confirm]")).ToContainTextAsync(Pts(start - 800));
                await Shot(page, "catalogue-06-counter-confirm");
                (await ClaimsAsync(tenantId, customerId)).Should().ContainSingle("opening the confirmation redeems nothing");

                await page.Locator("[data-testid=confirm-redeem]").DblClickAsync();
                await Expect(page.Locator("[data-testid=counter-redeemed]")).ToContainTextAsync(cake, new() { Timeout = 30_000 });
                await Expect(page.Locator("[data-testid=points-available]")).ToHaveTextAsync(Pts(start - 800));
                await Shot(page, "catalogue-07-counter-redeemed");

                // The member shows the portal code; the cashier types it (lower case, as read out) and hands the mug over.
                await page.Locator("[data-testid=deliver-code]").FillAsync(shownCode.ToLowerInvariant());
                await page.Locator("[data-testid=deliver]").ClickAsync();
                await Expect(page.Locator("[data-testid=delivered]")).ToContainTextAsync(mug, new() { Timeout = 30_000 });
                await Shot(page, "catalogue-08-counter-delivered");

                // The same code again is refused: a claim is handed over once.
                await page.Locator("[data-testid=deliver-code]").FillAsync(shownCode);
                await page.Locator("[data-testid=deliver]").ClickAsync();
                await Expect(page.Locator("[data-testid=deliver-code]")).ToHaveClassAsync(new Regex("is-invalid"), new() { Timeout = 30_000 });
                await Expect(page.Locator("[data-testid=delivered]")).ToHaveCountAsync(0);
                await Shot(page, "catalogue-09-counter-delivered-again-refused");
            }, output);
        }

        // The books: two redemptions, each spent exactly once; the portal claim delivered, the counter claim still open.
        (await BalancesAsync(tenantId, customerId)).AvailableCents.Should().Be(start - 800);
        var spent = await WithDbAsync(tenantId, db => db.LedgerEntries.AsNoTracking()
            .Where(e => e.CustomerId == customerId && e.Kind == EntryKind.RewardRedeem).Select(e => e.AvailableDeltaCents).ToListAsync());
        spent.Should().BeEquivalentTo(new[] { -300L, -500L });
        var claims = await ClaimsAsync(tenantId, customerId);
        claims.Should().HaveCount(2);
        var mugClaim = claims.Single(c => c.RewardName == mug);
        mugClaim.Channel.Should().Be("portal");
        mugClaim.Status.Should().Be(ClaimStatus.Delivered);
        mugClaim.DeliveredAt.Should().NotBeNull();
        Smartbis.Web.Infrastructure.Codes.Display(mugClaim.Code).Should().Be(shownCode);
        var cakeClaim = claims.Single(c => c.RewardName == cake);
        cakeClaim.Channel.Should().Be("counter");
        cakeClaim.Status.Should().Be(ClaimStatus.Claimed);
        cakeClaim.CostPoints.Should().Be(500);
        (await WithDbAsync(tenantId, db => db.Rewards.Where(r => r.Name == mug).Select(r => r.Stock).SingleAsync())).Should().Be(19);
        (await WithDbAsync(tenantId, db => CheckLedger.RunAsync(db))).Should().BeEmpty();
    }

    private static ILocator Card(IPage page, string name) => page.Locator($"[data-testid=reward][data-reward-name='{name}']");

    private Task Shot(IPage page, string name) => Artifacts.ScreenshotAsync(page, name, output);

    private Task<IBrowserContext> PhoneContextAsync() =>
        browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl.ToString(), IgnoreHTTPSErrors = true, Locale = "pt-BR",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2,
        });

    /// <summary>The six-digit code of the latest message the SMTP server received for this address.</summary>
    private async Task<string> CodeSentToAsync(string email)
    {
        for (var i = 0; i < 300; i++)
        {
            var message = app.Smtp.Messages.LastOrDefault(m => m.To.Mailboxes.Any(x => x.Address == email));
            if (message is not null) return CodeRegex().Match(message.Subject ?? "").Value;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No email reached {email}. SMTP log:\n{app.Smtp.Log}");
    }

    [GeneratedRegex("\\d{6}")]
    private static partial Regex CodeRegex();

    private Task<List<RewardClaim>> ClaimsAsync(Guid tenantId, Guid customerId) =>
        WithDbAsync(tenantId, db => db.RewardClaims.AsNoTracking().Where(c => c.CustomerId == customerId).ToListAsync());

    private Task<Balances> BalancesAsync(Guid tenantId, Guid customerId) =>
        WithDbAsync(tenantId, async db => Balances.Of(await db.Accounts.AsNoTracking().SingleAsync(a => a.CustomerId == customerId)));

    private async Task<T> WithDbAsync<T>(Guid? tenantId, Func<SmartbisDb, Task<T>> read)
    {
        await using var scope = app.Factory.CreateScope(tenantId);
        return await read(scope.Db);
    }
}
