using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Smartbis.BrowserTests.Portal;

/// <summary>
/// The customer portal on a phone-sized browser: program page → join with a referral link → the sign-in code from the
/// SMTP server → home; a purchase shows as pending with its date, then available; the referrer sees the referral
/// rewarded. Screenshots in test-artifacts/portal-*.png; axe finds no serious or critical violations.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PortalJourneyTests(BrowserFixture browser, PortalServerFixture app, ITestOutputHelper output)
    : IClassFixture<PortalServerFixture>
{
    [Fact]
    public async Task A_friend_joins_Velluto_with_a_referral_link_buys_and_both_see_their_rewards()
    {
        var tenantId = await WithDbAsync(null, db => db.Tenants.Where(t => t.Slug == "velluto").Select(t => t.Id).SingleAsync());
        var rita = await InScopeAsync(tenantId, s => s.GetRequiredService<EnrollCustomer>().ExecuteAsync(
            new EnrollCustomer.Request("Rita Referência", "+5511955550001", "rita.portal@example.com", EmailConsent: true)));

        await using var context = await PhoneContextAsync();
        var page = await context.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(page, "portal-journey", async () =>
        {
            await page.GotoAsync($"velluto?ref={rita.ReferralCode}");
            await Expect(page.Locator("[data-testid=rules]")).ToContainTextAsync("5% de cada compra volta como Cashback, disponível 7 dias após a compra, válido por 90 dias.");
            await Artifacts.ScreenshotAsync(page, "portal-01-program-page", output);
            await AssertAccessibleAsync(page, "program page");

            await page.Locator("[data-testid=join-button]").ClickAsync();
            await Expect(page.Locator("[data-testid=referral-note]")).ToBeVisibleAsync();
            await page.GetByLabel("Seu nome").FillAsync("Fernanda Amiga");
            await page.GetByLabel("Email", new() { Exact = true }).FillAsync("fernanda.portal@example.com");
            await page.GetByLabel("Celular com DDD").FillAsync("(11) 95555-0002");
            await page.GetByLabel("Quero receber novidades e ofertas por email.").CheckAsync();
            await page.GetByLabel("Aceito as regras do programa.").CheckAsync();
            await Artifacts.ScreenshotAsync(page, "portal-02-join", output);
            await page.Locator("[data-testid=join-submit]").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex("/velluto/signin"));
            await Expect(page.Locator("[data-testid=joined]")).ToBeVisibleAsync();
            var code = await CodeSentToAsync("fernanda.portal@example.com");
            await page.Locator("[data-testid=code]").FillAsync(code);
            await Artifacts.ScreenshotAsync(page, "portal-03-code", output);
            await page.Locator("[data-testid=verify-code]").ClickAsync();

            await Expect(page).ToHaveURLAsync(new Regex("/velluto/home$"));
            await Expect(page.Locator("[data-testid=available]")).ToHaveTextAsync("R$ 0,00");
            await Artifacts.ScreenshotAsync(page, "portal-04-home-new", output);

            var fernanda = await WithDbAsync(tenantId, db => db.Customers.Where(c => c.Email == "fernanda.portal@example.com")
                .Select(c => new { c.Id, c.ReferredByCustomerId }).SingleAsync());
            fernanda.ReferredByCustomerId.Should().Be(rita.CustomerId, "the referral link was recorded");
            var storeId = await WithDbAsync(tenantId, db => db.Stores.OrderBy(s => s.Name).Select(s => s.Id).FirstAsync());
            var purchase = (await InScopeAsync(tenantId, s => s.GetRequiredService<RecordPurchase>().ExecuteAsync(
                new RecordPurchase.Request(storeId, fernanda.Id, null, 100_00, "PORTAL-1", Guid.NewGuid().ToString("N"))))).Value;
            purchase.AvailableAt.Should().NotBeNull();

            await page.ReloadAsync();
            var releaseDate = TimeZoneInfo.ConvertTime(purchase.AvailableAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo")).ToString("dd/MM/yyyy");
            await Expect(page.Locator("[data-testid=pending]")).ToContainTextAsync($"{Money(purchase.EarnedCents)} disponível em {releaseDate}");
            await Expect(page.Locator("[data-testid=available]")).ToHaveTextAsync("R$ 5,00"); // the referee reward
            await Expect(page.Locator("[data-testid=activity]")).ToContainTextAsync("Boas-vindas por indicação"); // the referee's reward, not a generic welcome bonus
            await Artifacts.ScreenshotAsync(page, "portal-05-home-pending", output);
            await AssertAccessibleAsync(page, "home");

            // The nightly release job, run as of the day after the pending period.
            await InScopeAsync(tenantId, s => s.GetRequiredService<ReleasePendingCredits>().ExecuteAsync(tenantId, purchase.AvailableAt!.Value.AddMinutes(1)));
            await page.ReloadAsync();
            await Expect(page.Locator("[data-testid=available]")).ToHaveTextAsync(Money(5_00 + purchase.EarnedCents));
            await Expect(page.Locator("[data-testid=pending]")).ToHaveCountAsync(0);
            await Artifacts.ScreenshotAsync(page, "portal-06-home-available", output);

            // Installable: the merchant's manifest (name, colour, icon) and a service worker that keeps the last balance page.
            var manifest = await page.APIRequest.GetAsync("velluto/manifest.webmanifest");
            manifest.Ok.Should().BeTrue();
            var m = System.Text.Json.JsonDocument.Parse(await manifest.TextAsync()).RootElement;
            (m.GetProperty("name").GetString(), m.GetProperty("start_url").GetString(), m.GetProperty("display").GetString(), m.GetProperty("theme_color").GetString())
                .Should().Be(("Velluto Farmácias", "/velluto/home", "standalone", "#7a1f5c"), "the demo merchant's own colour");
            (await page.APIRequest.GetAsync(m.GetProperty("icons")[0].GetProperty("src").GetString()!)).Ok.Should().BeTrue();
            // The worker script is served for the merchant's scope (Chromium refuses to run a worker over this run's self-signed
            // certificate, so the offline copy itself is not exercised here); the page links the manifest and loads the registration.
            var worker = await page.APIRequest.GetAsync("velluto/sw.js");
            (worker.Ok, worker.Headers["content-type"]).Should().Be((true, "text/javascript; charset=utf-8"));
            (await worker.TextAsync()).Should().Contain("caches.open").And.Contain("navigate");
            await Expect(page.Locator("link[rel=manifest]")).ToHaveAttributeAsync("href", "/velluto/manifest.webmanifest");
            await Expect(page.Locator("script[data-slug=velluto]")).ToHaveAttributeAsync("data-signed-in", "true");
        });

        // The referrer signs in on her own phone and sees the friend rewarded.
        await using var ritaContext = await PhoneContextAsync();
        var ritaPage = await ritaContext.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(ritaPage, "portal-referrer", async () =>
        {
            await ritaPage.GotoAsync("velluto/signin");
            await ritaPage.Locator("[data-testid=identifier]").FillAsync("rita.portal@example.com");
            await ritaPage.Locator("[data-testid=send-code]").ClickAsync();
            await ritaPage.Locator("[data-testid=code]").FillAsync(await CodeSentToAsync("rita.portal@example.com"));
            await ritaPage.Locator("[data-testid=verify-code]").ClickAsync();
            await Expect(ritaPage.Locator("[data-testid=available]")).ToHaveTextAsync("R$ 10,00");
            await Artifacts.ScreenshotAsync(ritaPage, "portal-07-referrer-home", output);

            await ritaPage.GetByRole(AriaRole.Link, new() { Name = "Convide amigos" }).First.ClickAsync();
            await Expect(ritaPage.Locator("[data-testid=friends] li")).ToHaveAttributeAsync("data-status", "Rewarded");
            await Expect(ritaPage.Locator("[data-testid=friends]")).ToContainTextAsync("Fernanda");
            await Expect(ritaPage.Locator("[data-testid=share-url]")).ToHaveValueAsync(new Regex($"/velluto/join\\?ref={rita.ReferralCode}$"));
            await Artifacts.ScreenshotAsync(ritaPage, "portal-08-referrals", output);
            await AssertAccessibleAsync(ritaPage, "referral page");
        });
        (await WithDbAsync(tenantId, db => db.Accounts.Where(a => a.CustomerId == rita.CustomerId).Select(a => a.AvailableCents).SingleAsync()))
            .Should().Be(10_00, "the referral reward");
        (await WithDbAsync(tenantId, db => CheckLedger.RunAsync(db))).Should().BeEmpty();
    }

    [Fact]
    public async Task A_new_LitoralCash_member_joins_without_a_referral_and_sees_the_branded_currency()
    {
        await using var context = await PhoneContextAsync();
        var page = await context.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(page, "portal-litoral", async () =>
        {
            await page.GotoAsync("litoralcash");
            await Expect(page.Locator("[data-testid=headline]")).ToContainTextAsync("LitoralCash");
            await page.Locator("[data-testid=join-button]").ClickAsync();
            await page.GetByLabel("Seu nome").FillAsync("Lia Litoral");
            await page.GetByLabel("Email", new() { Exact = true }).FillAsync("lia.portal@example.com");
            await page.GetByLabel("Aceito as regras do programa.").CheckAsync();
            await page.Locator("[data-testid=join-submit]").ClickAsync();
            await page.Locator("[data-testid=code]").FillAsync(await CodeSentToAsync("lia.portal@example.com"));
            await page.Locator("[data-testid=verify-code]").ClickAsync();
            await Expect(page.Locator("#available-label")).ToHaveTextAsync("LitoralCash disponível");
            await Expect(page.Locator("[data-testid=available]")).ToHaveTextAsync("R$ 5,00", new() { Timeout = 10_000 }); // welcome bonus
            await Artifacts.ScreenshotAsync(page, "portal-09-litoralcash-home", output);
        });
    }

    private async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var v in result.Violations) output.WriteLine($"axe {what}: {v.Impact} {v.Id}: {v.Help} ({v.Nodes.Length} nodes)");
        serious.Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")
            .Should().BeEmpty($"the {what} must have no serious accessibility violations");
    }

    private Task<IBrowserContext> PhoneContextAsync() =>
        browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl.ToString(), IgnoreHTTPSErrors = true, Locale = "pt-BR",
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2,
        });

    /// <summary>The six-digit code of the latest message the SMTP server received for this address.</summary>
    private async Task<string> CodeSentToAsync(string email)
    {
        for (var i = 0; i < 100; i++)
        {
            var message = app.Smtp.Messages.LastOrDefault(m => m.To.Mailboxes.Any(x => x.Address == email));
            if (message is not null) return CodeRegex().Match(message.Subject ?? "").Value;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No email reached {email}. SMTP log:\n{app.Smtp.Log}");
    }

    [GeneratedRegex("\\d{6}")]
    private static partial Regex CodeRegex();

    private static string Money(long cents) => Smartbis.Web.Infrastructure.Money.Format(cents);

    private async Task<T> WithDbAsync<T>(Guid? tenantId, Func<SmartbisDb, Task<T>> read)
    {
        await using var scope = app.Factory.CreateScope(tenantId);
        return await read(scope.Db);
    }

    private async Task<T> InScopeAsync<T>(Guid tenantId, Func<IServiceProvider, Task<T>> run)
    {
        await using var scope = app.Factory.CreateScope(tenantId);
        return await run(scope.Services);
    }
}
