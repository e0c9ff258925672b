using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Smartbis.BrowserTests.Infrastructure;
using Smartbis.Tests.Features;
using Smartbis.Web.Data.Seed;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Vouchers;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Smartbis.BrowserTests.Counter;

/// <summary>
/// The counter as a cashier uses it, keyboard first, on the demo tenants. Every step is saved as a screenshot
/// (test-artifacts/counter-*.png).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class CounterJourneyTests(BrowserFixture browser, CounterServerFixture app, ITestOutputHelper output)
    : IClassFixture<CounterServerFixture>
{
    private static DemoSeed.DemoTenant Velluto => DemoSeed.Tenants.Single(t => t.Slug == "velluto");
    private static DemoSeed.DemoTenant Litoral => DemoSeed.Tenants.Single(t => t.Slug == "litoralcash");

    [Fact]
    public async Task Cashier_finds_a_seeded_customer_by_phone_records_R100_earns_R5_once_and_refunds_it()
    {
        var tenantId = await TenantIdAsync(Litoral);
        var (customerId, phone) = await WithDbAsync(tenantId, db => db.Customers
            .Where(c => c.JoinedAt != null && c.Phone != null && c.Status == CustomerStatus.Active)
            .OrderBy(c => c.Name).Select(c => new { c.Id, c.Phone }).FirstAsync()).ContinueWith(t => (t.Result.Id, t.Result.Phone!));
        var before = await BalancesAsync(tenantId, customerId);

        await JourneyAsync("counter-purchase", Litoral.Cashier, async (page, shot) =>
        {
            await Expect(page.Locator("#q")).ToBeFocusedAsync();
            await shot("01-counter");
            await page.Keyboard.TypeAsync(phone[3..]); // typed as people say it: area code and number
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("[data-testid=customer-card]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=balance-available]")).ToHaveTextAsync(Money(before.AvailableCents));
            await Expect(page.Locator("[data-testid=amount]")).ToBeFocusedAsync();
            await shot("02-customer-found");

            // Amount has the focus: "100", Tab, receipt, then a double click on the button.
            await page.Keyboard.TypeAsync("100");
            await page.Keyboard.PressAsync("Tab");
            await page.Keyboard.TypeAsync("JOURNEY-1");
            await shot("03-purchase-typed");
            await page.Locator("[data-testid=record]").DblClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex("/counter/receipt/"));
            await Expect(page.Locator("[data-testid=earned]")).ToHaveTextAsync("R$ 5,00");
            await Expect(page.Locator("[data-testid=receipt-line]")).ToHaveValueAsync(new Regex("R\\$ 5,00"));
            await shot("04-confirmation");

            await page.ReloadAsync();
            await Expect(page.Locator("[data-testid=earned]")).ToHaveTextAsync("R$ 5,00");
            await shot("05-confirmation-refreshed");
            (await WithDbAsync(tenantId, db => db.Purchases.CountAsync(p => p.ReceiptNumber == "JOURNEY-1")))
                .Should().Be(1, "a double click and a refresh record one purchase");
            var afterPurchase = await BalancesAsync(tenantId, customerId);
            afterPurchase.AvailableCents.Should().Be(before.AvailableCents + 5_00);

            await page.Locator("[data-testid=refund-link]").ClickAsync();
            await Expect(page.Locator("[data-testid=refund-amount]")).ToHaveValueAsync("100,00");
            await page.Locator("[data-testid=refund-reason]").FillAsync("Produto devolvido");
            await shot("06-refund-form");
            await page.Locator("[data-testid=refund-reason]").PressAsync("Enter");
            await Expect(page.Locator("[data-testid=refunded]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=balance-available]")).ToHaveTextAsync(Money(before.AvailableCents));
            await shot("07-refunded");
            (await BalancesAsync(tenantId, customerId)).AvailableCents.Should().Be(before.AvailableCents, "the R$ 5,00 earned was reversed");
        });
    }

    [Fact]
    public async Task Cashback_pays_up_to_the_allowed_maximum_and_is_refused_above_it()
    {
        var tenantId = await TenantIdAsync(Litoral);
        var (customerId, phone) = await NewCustomerAsync(tenantId, "Cliente Cashback", buyCents: 500_00); // R$ 5 welcome + R$ 25 = R$ 30
        (await BalancesAsync(tenantId, customerId)).AvailableCents.Should().Be(30_00);

        await JourneyAsync("counter-cashback", Litoral.Cashier, async (page, shot) =>
        {
            await page.Keyboard.TypeAsync(phone[3..]);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("[data-testid=amount]")).ToBeFocusedAsync();
            var record = page.Locator("[data-testid=record]");
            var buttonBefore = await record.BoundingBoxAsync();
            await page.Keyboard.TypeAsync("40,00");
            // The maximum arrives after the typing; the button under the cashier's click must not move when it does.
            await Expect(page.Locator("[data-testid=max-hint]")).ToHaveTextAsync("No máximo R$ 20,00 nesta compra");
            (await record.BoundingBoxAsync())!.Y.Should().Be(buttonBefore!.Y, "the hint's line is reserved before the answer comes");
            await page.Locator("[data-testid=pay-cashback]").FillAsync("20,01");
            await shot("01-over-the-maximum");
            await page.Locator("[data-testid=pay-cashback]").PressAsync("Enter");
            await Expect(page.Locator("[data-testid=cashback-error]")).ToContainTextAsync("No máximo R$ 20,00 desta compra pode ser pago com LitoralCash.");
            await shot("02-refused");
            (await WithDbAsync(tenantId, db => db.Purchases.CountAsync(p => p.CustomerId == customerId))).Should().Be(1);

            await page.Keyboard.PressAsync("F4"); // fills the maximum the rules allow
            await Expect(page.Locator("[data-testid=pay-cashback]")).ToHaveValueAsync("20,00");
            await shot("03-maximum-filled");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("[data-testid=paid-cashback]")).ToHaveTextAsync("R$ 20,00");
            await Expect(page.Locator("[data-testid=to-pay]")).ToHaveTextAsync("R$ 20,00");
            await shot("04-paid-with-cashback");
        });
        (await BalancesAsync(tenantId, customerId)).AvailableCents.Should().Be(30_00 - 20_00 + 1_00);
    }

    [Fact]
    public async Task A_voucher_is_redeemed_by_its_code_once_and_a_second_redemption_is_refused()
    {
        var tenantId = await TenantIdAsync(Velluto);
        var (customerId, _) = await NewCustomerAsync(tenantId, "Cliente Vale", buyCents: 500_00, daysAgo: 10);
        await using (var scope = app.Factory.CreateScope(tenantId))
        {
            var now = DateTimeOffset.UtcNow;
            await scope.Get<ReleasePendingCredits>().ExecuteAsync(tenantId, now);
            await scope.Get<IssueVouchers>().ExecuteAsync(tenantId, now);
        }
        var code = await WithDbAsync(tenantId, db => db.Vouchers.Where(v => v.CustomerId == customerId && v.Status == VoucherStatus.Issued)
            .Select(v => v.Code).FirstAsync());
        var typed = Smartbis.Web.Infrastructure.Codes.Display(code).ToLowerInvariant(); // cashiers type it any way

        await JourneyAsync("counter-voucher", Velluto.Cashier, async (page, shot) =>
        {
            await page.Keyboard.TypeAsync(typed);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("[data-testid=customer-name]")).ToHaveTextAsync("Cliente Vale");
            await Expect(page.Locator("[data-testid=voucher-code]")).ToHaveValueAsync(Smartbis.Web.Infrastructure.Codes.Display(code));
            await Expect(page.Locator("[data-testid=amount]")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("50");
            await shot("01-voucher-found");
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("[data-testid=paid-voucher]")).ToHaveTextAsync("R$ 20,00");
            await Expect(page.Locator("[data-testid=to-pay]")).ToHaveTextAsync("R$ 30,00");
            await shot("02-paid-with-voucher");

            await page.Keyboard.PressAsync("F2"); // from the confirmation: back to the search box
            await Expect(page).ToHaveURLAsync(new Regex("/counter$"));
            await Expect(page.Locator("#q")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync(typed);
            await page.Keyboard.PressAsync("Enter");
            await page.Locator("[data-testid=amount]").FillAsync("50");
            await page.Locator("[data-testid=voucher-code]").FillAsync(typed);
            await page.Locator("[data-testid=voucher-code]").PressAsync("Enter");
            // The refusal says when it was used (dd/MM/yyyy HH:mm, the store's local time).
            await Expect(page.Locator("[data-testid=voucher-error]")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Este vale já foi usado em \d{2}/\d{2}/\d{4} \d{2}:\d{2}\."));
            await shot("03-second-redemption-refused");
        });
        (await WithDbAsync(tenantId, db => db.Purchases.CountAsync(p => p.VoucherId != null && p.CustomerId == customerId))).Should().Be(1);
    }

    [Fact]
    public async Task A_new_customer_is_enrolled_inline_with_a_referral_code()
    {
        var tenantId = await TenantIdAsync(Velluto);
        var referrer = await WithDbAsync(tenantId, db => db.Customers.Where(c => c.JoinedAt != null).OrderBy(c => c.Name)
            .Select(c => new { c.Id, c.ReferralCode }).FirstAsync());
        var phone = LedgerTestKit.NewPhone();

        await JourneyAsync("counter-enrol", Velluto.Cashier, async (page, shot) =>
        {
            await page.Keyboard.TypeAsync(phone[3..]);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("[data-testid=no-match]")).ToBeVisibleAsync();
            await shot("01-no-match");
            await page.Keyboard.PressAsync("F9");
            await Expect(page.Locator("[data-testid=enrol-form]")).ToBeVisibleAsync();
            await Expect(page.Locator("#Enrol_Name")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("Nova Cliente");
            await page.Locator("#Enrol_ReferralCode").FillAsync(referrer.ReferralCode.ToLowerInvariant());
            await page.Locator("#Enrol_WhatsAppConsent").CheckAsync();
            await shot("02-enrol-form");
            await page.Locator("[data-testid=enrol-submit]").ClickAsync();
            await Expect(page.Locator("[data-testid=enrolled]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=customer-name]")).ToHaveTextAsync("Nova Cliente");
            await Expect(page.Locator("[data-testid=amount]")).ToBeFocusedAsync();
            await shot("03-enrolled");
        });
        var joined = await WithDbAsync(tenantId, db => db.Customers.SingleAsync(c => c.Phone == phone));
        joined.ReferredByCustomerId.Should().Be(referrer.Id);
        joined.WhatsAppConsent.Should().BeTrue();
        joined.IsClaimed.Should().BeTrue();
    }

    [Fact]
    public async Task A_large_redemption_needs_the_code_the_customer_receives_by_email()
    {
        var tenantId = await TenantIdAsync(Litoral);
        var email = $"cliente.{Guid.NewGuid():N}"[..20] + "@example.test";
        var (customerId, _) = await NewCustomerAsync(tenantId, "Cliente Grande", buyCents: 2_000_00, email: email); // R$ 105,00

        await JourneyAsync("counter-large-redemption", Litoral.Cashier, async (page, shot) =>
        {
            await page.Keyboard.TypeAsync(email);
            await page.Keyboard.PressAsync("Enter");
            await Expect(page.Locator("[data-testid=amount]")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync("200,00");
            await page.Locator("[data-testid=pay-cashback]").FillAsync("100,00");
            await page.Locator("[data-testid=pay-cashback]").PressAsync("Enter");
            await Expect(page.Locator("[data-testid=authorize-error]")).ToContainTextAsync("exige o código enviado ao cliente");
            await shot("01-code-required");
            (await WithDbAsync(tenantId, db => db.Purchases.CountAsync(p => p.CustomerId == customerId))).Should().Be(1);

            await page.Locator("[data-testid=send-code]").ClickAsync();
            await Expect(page.Locator("[data-testid=code-sent]")).ToBeVisibleAsync();
            var message = await app.Smtp.WaitForMessageAsync(m => m.To.Mailboxes.Any(x => x.Address == email));
            var code = SixDigits().Match(message.TextBody ?? "").Value;
            await page.Locator("[data-testid=one-time-code]").FillAsync(code);
            await shot("02-code-typed");
            await page.Locator("[data-testid=one-time-code]").PressAsync("Enter");
            await Expect(page.Locator("[data-testid=paid-cashback]")).ToHaveTextAsync("R$ 100,00");
            await shot("03-authorized");
        });
        (await BalancesAsync(tenantId, customerId)).AvailableCents.Should().Be(105_00 - 100_00 + 5_00);
    }

    [Fact]
    public async Task A_scripted_burst_of_purchases_shows_in_the_managers_anomaly_list()
    {
        var tenantId = await TenantIdAsync(Litoral);
        var (customerId, phone) = await NewCustomerAsync(tenantId, "Cliente Rajada");

        await JourneyAsync("counter-burst", Litoral.Cashier, async (page, shot) =>
        {
            for (var i = 1; i <= 5; i++)
            {
                await page.Locator("#q").FillAsync(phone[3..]);
                await page.Locator("#q").PressAsync("Enter");
                await page.Locator("[data-testid=amount]").FillAsync($"{10 + i},00");
                await page.Locator("[data-testid=amount]").PressAsync("Enter");
                await Expect(page).ToHaveURLAsync(new Regex("/counter/receipt/"));
                await page.Keyboard.PressAsync("Enter"); // next customer
                await Expect(page).ToHaveURLAsync(new Regex("/counter$"));
            }
            await shot("01-five-purchases");
        });
        await JourneyAsync("counter-burst-manager", Litoral.Owner, async (page, shot) =>
        {
            await page.Locator("[data-testid=nav-anomalies]").ClickAsync();
            var flag = page.Locator("[data-testid=flag][data-kind=Burst]", new() { HasText = "Cliente Rajada" });
            await Expect(flag).ToBeVisibleAsync();
            await Expect(flag.Locator("[data-testid=evidence] tbody tr")).ToHaveCountAsync(5);
            await shot("02-anomaly-list");
        }, startAt: "/app");
    }

    private async Task JourneyAsync(string name, DemoSeed.DemoUser who, Func<IPage, Func<string, Task>, Task> body, string startAt = "/counter")
    {
        await using var context = await browser.NewContextAsync(app.BaseUrl);
        var page = await context.NewPageAsync();
        await Artifacts.CaptureOnFailureAsync(page, name, async () =>
        {
            await page.GotoAsync("/account/signin");
            var form = page.Locator("form", new PageLocatorOptions { Has = page.Locator("input[name='Input.Email']") });
            await form.Locator("input[name='Input.Email']").FillAsync(who.Email);
            await form.Locator("input[name='Input.Password']").FillAsync(who.Password);
            await form.Locator("button[type=submit]").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(startAt) + "/?$"));
            // The URL changes before the page has loaded; keys typed earlier would miss the autofocused box.
            await page.WaitForDocumentLoadedAsync();
            await body(page, step => Artifacts.ScreenshotAsync(page, $"{name}-{step}", output));
        }, output);
    }

    private async Task<Guid> TenantIdAsync(DemoSeed.DemoTenant t)
    {
        await using var scope = app.Factory.CreateScope();
        return await scope.Db.Tenants.Where(x => x.Slug == t.Slug).Select(x => x.Id).SingleAsync();
    }

    private async Task<T> WithDbAsync<T>(Guid tenantId, Func<Smartbis.Web.Data.SmartbisDb, Task<T>> read)
    {
        await using var scope = app.Factory.CreateScope(tenantId);
        return await read(scope.Db);
    }

    private Task<Balances> BalancesAsync(Guid tenantId, Guid customerId) =>
        WithDbAsync(tenantId, async db => Balances.Of(await db.Accounts.AsNoTracking().SingleAsync(a => a.CustomerId == customerId)));

    /// <summary>A customer made through the operations (enrol, and a purchase to give them a balance).</summary>
    private async Task<(Guid Id, string Phone)> NewCustomerAsync(Guid tenantId, string name, long buyCents = 0, int daysAgo = 0, string? email = null)
    {
        var phone = LedgerTestKit.NewPhone();
        await using var scope = app.Factory.CreateScope(tenantId);
        var joined = await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request(name, phone, email, EmailConsent: email is not null));
        if (buyCents > 0)
        {
            var store = await scope.Db.Stores.OrderBy(s => s.Name).Select(s => s.Id).FirstAsync();
            var bought = await scope.Get<RecordPurchase>().ExecuteAsync(new RecordPurchase.Request(store, joined.CustomerId, null, buyCents, null,
                LedgerTestKit.NewKey()));
            // A purchase made days ago: its lot is moved back as if recorded then (backdating a purchase no longer shortens
            // its pending period, and the default backdating window is 72 hours).
            if (daysAgo > 0)
                await scope.Db.CreditLots.Where(l => l.PurchaseId == bought.Value.PurchaseId).ExecuteUpdateAsync(u => u
                    .SetProperty(l => l.AvailableAt, l => l.AvailableAt.AddDays(-daysAgo))
                    .SetProperty(l => l.ExpiresAt, l => l.ExpiresAt == null ? (DateTimeOffset?)null : l.ExpiresAt.Value.AddDays(-daysAgo)));
        }
        return (joined.CustomerId, phone);
    }

    private static string Money(long cents) => Smartbis.Web.Infrastructure.Money.Format(cents);

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
