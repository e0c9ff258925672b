using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;

namespace Smartbis.Tests.Counter;

/// <summary>A tenant with staff and rules for counter page tests, and shortcuts that go through the app's own operations.</summary>
public sealed partial class CounterKit(DatabaseFixture fixture, TenantKit.TestTenant tenant)
{
    public TenantKit.TestTenant Tenant { get; } = tenant;
    public Guid Id => Tenant.Id;

    public static async Task<CounterKit> CreateAsync(DatabaseFixture fixture, string slug, ProgramRules? rules = null)
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, slug);
        await using var scope = fixture.CreateScope(t.Id);
        await scope.Get<SaveProgramRules>().ExecuteAsync(rules ?? SampleRules.Plain(), null, DateTimeOffset.UtcNow.AddDays(-30));
        return new CounterKit(fixture, t);
    }

    /// <summary>A LitoralCash-like business with a member (by email) holding R$ 100,00 available: enough for a large redemption.</summary>
    public static async Task<(CounterKit Kit, Guid Customer, string Email)> RichCustomerAsync(DatabaseFixture fixture, string slug)
    {
        var kit = await CreateAsync(fixture, slug, SampleRules.LitoralCash());
        var email = $"{slug}@example.test";
        var (customer, _) = await kit.EnrollAsync("Rich Customer", email);
        await kit.BuyAsync(customer, 2_000_00); // R$ 100,00 available at once
        return (kit, customer, email);
    }

    public TestScope Scope() => fixture.CreateScope(Id);

    public async Task<T> DbAsync<T>(Func<Smartbis.Web.Data.SmartbisDb, Task<T>> read)
    {
        await using var scope = Scope();
        return await read(scope.Db);
    }

    public async Task<(Guid Id, string Phone)> EnrollAsync(string name = "Counter Customer", string? email = null)
    {
        var phone = LedgerTestKit.NewPhone();
        await using var scope = Scope();
        var r = await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request(name, phone, email, EmailConsent: email is not null));
        return (r.CustomerId, phone);
    }

    /// <summary>A purchase straight through the ledger (to give a customer a balance).</summary>
    public async Task<RecordPurchase.Result> BuyAsync(Guid customerId, long amountCents, Guid? storeId = null)
    {
        await using var scope = Scope();
        var r = await scope.Get<RecordPurchase>().ExecuteAsync(new RecordPurchase.Request(
            storeId ?? Tenant.StoreId, customerId, null, amountCents, null, LedgerTestKit.NewKey()));
        return r.Value;
    }

    public Task<Balances> BalancesAsync(Guid customerId) =>
        DbAsync(async db => Balances.Of(await db.Accounts.AsNoTracking().SingleAsync(a => a.CustomerId == customerId)));

    public Task<int> PurchaseCountAsync(Guid customerId) => DbAsync(db => db.Purchases.CountAsync(p => p.CustomerId == customerId));

    public async Task<FormClient> SignInAsync(TenantKit.Staff who)
    {
        var client = fixture.CreateFormClient();
        using var response = await client.SignInAsync(who.Email, who.Password);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "the staff member signs in");
        return client;
    }

    /// <summary>The counter's purchase form for a customer, as rendered: its antiforgery token and idempotency key.</summary>
    public static async Task<(string Token, string Key)> OpenPurchaseFormAsync(FormClient client, Guid customerId)
    {
        var html = await client.GetPageAsync($"/counter?c={customerId}");
        var key = KeyInput().Match(html);
        key.Success.Should().BeTrue("the purchase form carries an idempotency key made when it is rendered");
        return (FormClient.FindAntiforgeryToken(html)!, key.Groups[1].Success ? key.Groups[1].Value : key.Groups[2].Value);
    }

    public static Dictionary<string, string> PurchaseFields(Guid customerId, string key, string amount, string? receipt = null,
        string? cashback = null, string? code = null, string? pin = null, string? voucher = null) => new()
        {
            ["Purchase.CustomerId"] = customerId.ToString(), ["Purchase.IdempotencyKey"] = key, ["Purchase.Amount"] = amount,
            ["Purchase.Receipt"] = receipt ?? "", ["Purchase.PayWithCashback"] = cashback ?? "", ["Purchase.OneTimeCode"] = code ?? "",
            ["Purchase.ManagerPin"] = pin ?? "", ["Purchase.VoucherCode"] = voucher ?? "",
        };

    /// <summary>Opens the form and posts a purchase like the cashier would; returns the response (a redirect to the receipt on success).</summary>
    public static async Task<HttpResponseMessage> PostPurchaseAsync(FormClient client, Guid customerId, string amount, string? receipt = null,
        string? cashback = null, string? code = null, string? pin = null)
    {
        var (token, key) = await OpenPurchaseFormAsync(client, customerId);
        return await client.PostAsync("/counter?handler=Purchase", PurchaseFields(customerId, key, amount, receipt, cashback, code, pin), token);
    }

    /// <summary>The body as text, HTML entities decoded (Razor encodes "ã" as "&amp;#xE3;").</summary>
    public static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [GeneratedRegex(@"name=""Purchase.IdempotencyKey""[^>]*value=""([^""]+)""|value=""([^""]+)""[^>]*name=""Purchase.IdempotencyKey""")]
    private static partial Regex KeyInput();
}
