using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Counter;

namespace Smartbis.Tests.Counter;

/// <summary>
/// The counter's fraud limits hold under parallel requests (issue 14, item 5): 30 wrong one-time codes sent at once are
/// counted exactly up to the limit (5) and burn the code; 30 wrong manager PINs at once are checked 5 times, then locked.
/// Both are counted in the database under a row lock, as the portal's sign-in codes are.
/// </summary>
public sealed partial class CounterLimitsTests(SmtpDatabaseFixture fixture) : IClassFixture<SmtpDatabaseFixture>
{
    private const int Parallel = 30;

    [Fact]
    public async Task Thirty_parallel_wrong_codes_count_exactly_to_the_limit_and_burn_the_code()
    {
        var (kit, customer, email) = await CounterKit.RichCustomerAsync(fixture, "limit-code");
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);
        var (token, key) = await CounterKit.OpenPurchaseFormAsync(client, customer);
        using (var send = await client.PostAsync("/counter?handler=SendCode", CounterKit.PurchaseFields(customer, key, "200,00", cashback: "100,00"), token))
            (await CounterKit.TextAsync(send)).Should().Contain("data-testid=\"code-sent\"");
        var message = await fixture.Smtp.WaitForMessageAsync(m => m.To.Mailboxes.Any(x => x.Address == email));
        var code = SixDigits().Match(message.TextBody ?? "").Value;
        code.Should().HaveLength(6);
        var wrong = code == "000000" ? "111111" : "000000";

        // 30 purchase forms with a wrong code, all at once (each its own form key, as 30 tills or a script would send).
        var attempts = Enumerable.Range(0, Parallel).Select(async i =>
        {
            using var r = await client.PostAsync("/counter?handler=Purchase",
                CounterKit.PurchaseFields(customer, $"counter-wrong-{i}-{Guid.NewGuid():N}", "200,00", cashback: "100,00", code: wrong), token);
            return (r.StatusCode, Text: await CounterKit.TextAsync(r));
        });
        var results = await Task.WhenAll(attempts);
        results.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK, "every wrong code is refused on the form, none is a 500");

        var row = await kit.DbAsync(db => db.RedemptionCodes.AsNoTracking().SingleAsync(c => c.CustomerId == customer));
        row.FailedAttempts.Should().Be(RecordCounterPurchase.MaxCodeAttempts, "each attempt is counted once, in the database, up to the limit (no lost updates)");
        row.UsedAt.Should().BeNull();
        results.Count(r => r.Text.Contains("Este código não confere.")).Should().Be(RecordCounterPurchase.MaxCodeAttempts,
            "only the attempts within the limit are compared with the code");

        // The real code is burned now: it no longer authorizes the R$ 100,00 redemption.
        using var real = await client.PostAsync("/counter?handler=Purchase",
            CounterKit.PurchaseFields(customer, $"counter-real-{Guid.NewGuid():N}", "200,00", cashback: "100,00", code: code), token);
        real.StatusCode.Should().Be(HttpStatusCode.OK);
        (await CounterKit.TextAsync(real)).Should().Contain("Não há código válido para este cliente: envie um novo.");
        (await kit.PurchaseCountAsync(customer)).Should().Be(1, "nothing but the purchase that gave the balance");
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(100_00);
        (await kit.DbAsync(db => db.IdempotencyRecords.CountAsync(k => k.Operation == RecordCounterPurchase.Operation)))
            .Should().Be(0, "a refused purchase keeps no idempotency record: its key stays free for the corrected form");
    }

    [Fact]
    public async Task Thirty_parallel_wrong_PINs_are_checked_five_times_then_the_right_PIN_is_locked_out()
    {
        var (kit, customer, _) = await CounterKit.RichCustomerAsync(fixture, "limit-pin");
        using var manager = await kit.SignInAsync(kit.Tenant.Manager);
        using (var setPin = await manager.SubmitAsync("/app/anomalies", new Dictionary<string, string> { ["Pin"] = "4826" }, "/app/anomalies?handler=Pin"))
            setPin.StatusCode.Should().Be(HttpStatusCode.Redirect);

        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        var (token, _) = await CounterKit.OpenPurchaseFormAsync(cashier, customer);
        var attempts = Enumerable.Range(0, Parallel).Select(async i =>
        {
            using var r = await cashier.PostAsync("/counter?handler=Purchase",
                CounterKit.PurchaseFields(customer, $"counter-pin-{i}-{Guid.NewGuid():N}", "200,00", cashback: "80,00", pin: $"{1000 + i}"), token);
            return (r.StatusCode, Text: await CounterKit.TextAsync(r));
        });
        var results = await Task.WhenAll(attempts);
        results.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        results.Count(r => r.Text.Contains("Este PIN não é de um gerente.")).Should().Be(RecordCounterPurchase.MaxPinFailuresPer15Minutes,
            "five PINs are checked, the other 25 are refused without being compared");
        results.Count(r => r.Text.Contains("PIN errado vezes demais")).Should().Be(Parallel - RecordCounterPurchase.MaxPinFailuresPer15Minutes);
        (await kit.DbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "manager_pin.failed")))
            .Should().Be(RecordCounterPurchase.MaxPinFailuresPer15Minutes, "each wrong PIN that was checked is audited, exactly once");

        using var right = await cashier.PostAsync("/counter?handler=Purchase",
            CounterKit.PurchaseFields(customer, $"counter-pin-right-{Guid.NewGuid():N}", "200,00", cashback: "80,00", pin: "4826"), token);
        (await CounterKit.TextAsync(right)).Should().Contain("PIN errado vezes demais", "the lock holds for 15 minutes, even for the right PIN");
        (await kit.PurchaseCountAsync(customer)).Should().Be(1);
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(100_00);
    }

    [Fact]
    public async Task Thirty_parallel_code_requests_send_at_most_the_hourly_limit()
    {
        var (kit, customer, email) = await CounterKit.RichCustomerAsync(fixture, "limit-send");
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);
        var (token, key) = await CounterKit.OpenPurchaseFormAsync(client, customer);
        var results = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(async _ =>
        {
            using var r = await client.PostAsync("/counter?handler=SendCode", CounterKit.PurchaseFields(customer, key, "200,00", cashback: "100,00"), token);
            return (r.StatusCode, Text: await CounterKit.TextAsync(r));
        }));
        results.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        results.Count(r => r.Text.Contains("data-testid=\"code-sent\"")).Should().Be(SendRedemptionCode.MaxPerHour,
            "the hourly limit is counted under the customer's row lock: parallel requests take turns");
        (await kit.DbAsync(db => db.RedemptionCodes.CountAsync(c => c.CustomerId == customer))).Should().Be(SendRedemptionCode.MaxPerHour);
        (await kit.DbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "redemption_code.sent"))).Should().Be(SendRedemptionCode.MaxPerHour);
        // Codes are sent before the page answers (the SMTP server stores a message before it says 250).
        fixture.Smtp.Messages.Count(m => m.To.Mailboxes.Any(x => x.Address == email)).Should().Be(SendRedemptionCode.MaxPerHour, "one email per code sent");
    }

    [GeneratedRegex(@"\b\d{6}\b")]
    private static partial Regex SixDigits();
}
