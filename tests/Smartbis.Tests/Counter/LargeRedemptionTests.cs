using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;

namespace Smartbis.Tests.Counter;

/// <summary>Above the merchant's threshold a redemption needs the customer's one-time code (by real SMTP) or a manager's PIN.</summary>
public sealed partial class LargeRedemptionTests(SmtpDatabaseFixture fixture) : IClassFixture<SmtpDatabaseFixture>
{
    [Fact]
    public async Task Without_the_customers_code_a_large_redemption_is_refused_with_the_code_it_goes_through_once()
    {
        var (kit, customer, email) = await CounterKit.RichCustomerAsync(fixture, "otp-code");
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);

        var (token, key) = await CounterKit.OpenPurchaseFormAsync(client, customer);
        using var refused = await client.PostAsync("/counter?handler=Purchase", CounterKit.PurchaseFields(customer, key, "200,00", cashback: "100,00"), token);
        refused.StatusCode.Should().Be(HttpStatusCode.OK);
        (await CounterKit.TextAsync(refused)).Should().Contain("Usar R$ 100,00 exige o código enviado ao cliente ou o PIN de um gerente");
        (await kit.PurchaseCountAsync(customer)).Should().Be(1, "only the purchase that gave the balance");

        using var send = await client.PostAsync("/counter?handler=SendCode", CounterKit.PurchaseFields(customer, key, "200,00", cashback: "100,00"), token);
        (await CounterKit.TextAsync(send)).Should().Contain("data-testid=\"code-sent\"");
        var message = await fixture.Smtp.WaitForMessageAsync(m => m.To.Mailboxes.Any(x => x.Address == email));
        var code = SixDigits().Match(message.TextBody ?? "").Value;
        code.Should().HaveLength(6);

        using var wrong = await client.PostAsync("/counter?handler=Purchase",
            CounterKit.PurchaseFields(customer, key, "200,00", cashback: "100,00", code: code == "000000" ? "111111" : "000000"), token);
        (await CounterKit.TextAsync(wrong)).Should().Contain("Este código não confere.");

        var fields = CounterKit.PurchaseFields(customer, key, "200,00", cashback: "100,00", code: code);
        using var ok = await client.PostAsync("/counter?handler=Purchase", fields, token);
        ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        using var again = await client.PostAsync("/counter?handler=Purchase", fields, token);
        again.Headers.Location!.OriginalString.Should().EndWith("?replayed=true", "a resubmission of the same form is the same purchase, code and all");
        (await kit.PurchaseCountAsync(customer)).Should().Be(2);
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(100_00 - 100_00 + 5_00);

        // The code was for one redemption: a new purchase form cannot use it again.
        await kit.BuyAsync(customer, 2_000_00);
        var (token2, key2) = await CounterKit.OpenPurchaseFormAsync(client, customer);
        using var reuse = await client.PostAsync("/counter?handler=Purchase", CounterKit.PurchaseFields(customer, key2, "200,00", cashback: "100,00", code: code), token2);
        reuse.StatusCode.Should().Be(HttpStatusCode.OK);
        (await kit.PurchaseCountAsync(customer)).Should().Be(3);
        var audit = await kit.DbAsync(db => db.Set<AuditEntry>().Where(a => a.Action == "purchase.recorded").Select(a => a.Summary).ToListAsync());
        audit.Should().Contain(s => s.Contains("authorized by the customer's code"));
    }

    [Fact]
    public async Task A_managers_PIN_authorizes_a_large_redemption_and_a_wrong_PIN_does_not()
    {
        var (kit, customer, _) = await CounterKit.RichCustomerAsync(fixture, "otp-pin");
        using var manager = await kit.SignInAsync(kit.Tenant.Manager);
        using var setPin = await manager.SubmitAsync("/app/anomalies", new Dictionary<string, string> { ["Pin"] = "4826" }, "/app/anomalies?handler=Pin");
        setPin.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.DbAsync(db => db.ManagerPins.SingleAsync())).PinHash.Should().NotContain("4826");

        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        using var wrong = await CounterKit.PostPurchaseAsync(cashier, customer, "200,00", cashback: "80,00", pin: "1234");
        (await CounterKit.TextAsync(wrong)).Should().Contain("Este PIN não é de um gerente.");
        using var ok = await CounterKit.PostPurchaseAsync(cashier, customer, "200,00", cashback: "80,00", pin: "4826");
        ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(100_00 - 80_00 + 6_00);
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
