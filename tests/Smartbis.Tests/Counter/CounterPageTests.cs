using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Counter;

namespace Smartbis.Tests.Counter;

public sealed class CounterPageTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_same_form_posted_twice_records_one_purchase_and_both_land_on_its_receipt()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-once");
        var (customer, _) = await kit.EnrollAsync();
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);

        var (token, key) = await CounterKit.OpenPurchaseFormAsync(client, customer);
        var fields = CounterKit.PurchaseFields(customer, key, "1.234,56", receipt: "A-1");
        using var first = await client.PostAsync("/counter?handler=Purchase", fields, token);
        using var second = await client.PostAsync("/counter?handler=Purchase", fields, token);

        first.StatusCode.Should().Be(HttpStatusCode.Redirect);
        second.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var receipt = first.Headers.Location!.OriginalString;
        receipt.Should().StartWith("/counter/receipt/");
        second.Headers.Location!.OriginalString.Should().Be(receipt + "?replayed=true");
        (await kit.PurchaseCountAsync(customer)).Should().Be(1);
        var amount = await kit.DbAsync(db => db.Purchases.Where(p => p.CustomerId == customer).Select(p => p.AmountCents).SingleAsync());
        amount.Should().Be(1_234_56, "the amount is typed in the tenant's locale (pt-BR)");

        // The confirmation is a GET: refreshing it shows the same and records nothing.
        var html = await client.GetPageAsync(receipt);
        await client.GetPageAsync(receipt);
        html.Should().Contain("R$ 61,73", "5% of R$ 1.234,56 is earned");
        (await kit.PurchaseCountAsync(customer)).Should().Be(1);
        (await client.GetPageAsync(receipt + "?replayed=true")).Should().Contain("data-testid=\"replayed\"");
    }

    [Fact]
    public async Task A_walk_in_known_only_by_phone_earns_as_an_unclaimed_customer()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-walkin");
        var phone = LedgerTestKit.NewPhone();
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);
        var html = await client.GetPageAsync($"/counter?q={Uri.EscapeDataString(phone[3..])}");
        html.Should().Contain("data-testid=\"no-match\"").And.Contain("data-testid=\"walk-in\"");

        html = await client.GetPageAsync($"/counter?walkin={Uri.EscapeDataString(phone)}");
        var key = System.Text.RegularExpressions.Regex.Match(html, @"name=""Purchase.IdempotencyKey""[^>]*value=""([^""]+)""").Groups[1].Value;
        using var response = await client.PostAsync("/counter?handler=Purchase", new Dictionary<string, string>
        {
            ["Purchase.Phone"] = phone, ["Purchase.IdempotencyKey"] = key, ["Purchase.Amount"] = "80,00",
        }, FormClient.FindAntiforgeryToken(html));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect);

        var walkIn = await kit.DbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Phone == phone));
        walkIn.IsClaimed.Should().BeFalse();
        (await kit.BalancesAsync(walkIn.Id)).AvailableCents.Should().Be(4_00);
        (await client.GetPageAsync(response.Headers.Location!.OriginalString)).Should().Contain("R$ 4,00");
    }

    [Fact]
    public async Task A_repeated_receipt_number_in_the_store_is_refused_naming_the_earlier_purchase()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-receipt");
        var (customer, _) = await kit.EnrollAsync();
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);
        using var first = await CounterKit.PostPurchaseAsync(client, customer, "50,00", receipt: "NF-77");
        var firstId = first.Headers.Location!.OriginalString.Split('/').Last();

        using var again = await CounterKit.PostPurchaseAsync(client, customer, "60,00", receipt: "NF-77");
        again.StatusCode.Should().Be(HttpStatusCode.OK, "the form is shown again with the error");
        var html = await CounterKit.TextAsync(again);
        html.Should().Contain("Este número de cupom já foi registrado nesta loja.");
        html.Should().Contain($"/counter/receipt/{firstId}", "the message links the earlier purchase");
        (await kit.PurchaseCountAsync(customer)).Should().Be(1);
    }

    [Fact]
    public async Task Paying_with_cashback_above_the_allowed_share_is_refused_with_the_maximum()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-share", SampleRules.LitoralCash());
        var (customer, _) = await kit.EnrollAsync();
        await kit.BuyAsync(customer, 600_00); // R$ 30,00 available at once
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);

        using var over = await CounterKit.PostPurchaseAsync(client, customer, "40,00", cashback: "20,01");
        over.StatusCode.Should().Be(HttpStatusCode.OK);
        (await CounterKit.TextAsync(over)).Should().Contain("No máximo R$ 20,00 desta compra pode ser pago com Cashback.");
        (await kit.PurchaseCountAsync(customer)).Should().Be(1);

        using var max = await CounterKit.PostPurchaseAsync(client, customer, "40,00", cashback: "20,00");
        max.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(30_00 - 20_00 + 1_00, "R$ 20,00 spent, 5% of the R$ 20,00 paid in money earned");
    }

    [Fact]
    public async Task F4_asks_the_server_for_the_most_cashback_the_rules_allow_on_the_amount_typed()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-f4", SampleRules.LitoralCash());
        var (customer, _) = await kit.EnrollAsync();
        await kit.BuyAsync(customer, 600_00); // R$ 30,00 available at once
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);

        // The script shows what the rules compute (ProgramRules.MaxCashbackUsableCents): the share, then the balance.
        async Task<(long, string, string)> Max(string amount)
        {
            using var json = System.Text.Json.JsonDocument.Parse(await client.GetPageAsync($"/counter?handler=MaxCashback&c={customer}&amount={amount}"));
            var r = json.RootElement;
            return (r.GetProperty("maxCents").GetInt64(), r.GetProperty("plain").GetString()!, r.GetProperty("formatted").GetString()!.Replace('\u00a0', ' '));
        }
        // "plain" fills the field; "formatted" is the hint's, with the currency ("No máximo R$ 20,00 nesta compra").
        (await Max("40,00")).Should().Be((2000L, "20,00", "R$ 20,00"));
        (await Max("1.000,00")).Should().Be((3000L, "30,00", "R$ 30,00"));
        (await Max("abc")).Should().Be((0L, "0,00", "R$ 0,00"));
        using var unknown = await client.GetAsync($"/counter?handler=MaxCashback&c={Guid.NewGuid()}&amount=40,00");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_balance_card_and_the_refund_page_use_the_programs_own_name_not_cashback()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-brand", SampleRules.LitoralCash());
        await using (var scope = kit.Scope())
        {
            var tenant = await scope.Db.Tenants.SingleAsync(t => t.Id == kit.Id);
            tenant.CurrencyName = "Velluto Cash";
            await scope.Db.SaveChangesAsync();
        }
        var (customer, _) = await kit.EnrollAsync();
        var bought = await kit.BuyAsync(customer, 600_00);
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);

        var card = WebUtility.HtmlDecode(await client.GetPageAsync($"/counter?c={customer}"));
        card.Should().Contain("Velluto Cash disponível").And.Contain("Velluto Cash a liberar");
        var refund = WebUtility.HtmlDecode(await client.GetPageAsync($"/counter/refund/{bought.PurchaseId}"));
        refund.Should().Contain("Pago com Velluto Cash ou vale").And.Contain("Velluto Cash ganho").And.Contain("Velluto Cash disponível")
            .And.Contain("O Velluto Cash ganho sobre a parte estornada").And.NotContainEquivalentOf("com cashback");
    }

    [Fact]
    public async Task A_cashier_cannot_reach_another_stores_purchases_another_tenants_customers_or_the_settings()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-walls");
        var other = await CounterKit.CreateAsync(fixture, "counter-walls-b");
        var (customer, _) = await kit.EnrollAsync();
        var (stranger, _) = await other.EnrollAsync();
        Guid secondStore;
        await using (var scope = kit.Scope())
        {
            var store = new Smartbis.Web.Features.Tenancy.Store { Name = "Second", CreatedAt = DateTimeOffset.UtcNow };
            scope.Db.Stores.Add(store);
            await scope.Db.SaveChangesAsync();
            secondStore = store.Id;
        }
        var elsewhere = await kit.BuyAsync(customer, 80_00, secondStore);
        var here = await kit.BuyAsync(customer, 70_00);
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);

        (await client.GetAsync($"/counter/receipt/{here.PurchaseId}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync($"/counter/receipt/{elsewhere.PurchaseId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/counter/refund/{elsewhere.PurchaseId}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/counter?c={stranger}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        // Posting a refund of another store's purchase, or a purchase for another tenant's customer, with valid tokens.
        var token = FormClient.FindAntiforgeryToken(await client.GetPageAsync($"/counter/refund/{here.PurchaseId}"));
        using var refund = await client.PostAsync($"/counter/refund/{elsewhere.PurchaseId}",
            new Dictionary<string, string> { ["Input.Amount"] = "80,00", ["Input.Reason"] = "x", ["Input.IdempotencyKey"] = LedgerTestKit.NewKey() }, token);
        refund.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var (formToken, key) = await CounterKit.OpenPurchaseFormAsync(client, customer);
        using var foreign = await client.PostAsync("/counter?handler=Purchase", CounterKit.PurchaseFields(stranger, key, "10,00"), formToken);
        foreign.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.PurchaseCountAsync(stranger)).Should().Be(0);
        (await kit.DbAsync(db => db.PurchaseRefunds.CountAsync())).Should().Be(0);

        (await client.GetAsync("/app/settings")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/app/anomalies")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_cashier_refunds_only_todays_purchases_a_manager_any_and_each_refund_is_audited()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-refund-day");
        var (customer, _) = await kit.EnrollAsync();
        var old = await kit.BuyAsync(customer, 100_00);
        await using (var scope = kit.Scope())
            await scope.Db.Purchases.Where(p => p.Id == old.PurchaseId).ExecuteUpdateAsync(s => s.SetProperty(p => p.CreatedAt, DateTimeOffset.UtcNow.AddDays(-2)));

        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        (await cashier.GetPageAsync($"/counter/refund/{old.PurchaseId}")).Should().Contain("data-testid=\"refund-not-allowed\"");
        var token = FormClient.FindAntiforgeryToken(cashier.LastHtml);
        using var refused = await cashier.PostAsync($"/counter/refund/{old.PurchaseId}",
            new Dictionary<string, string> { ["Input.Amount"] = "100,00", ["Input.Reason"] = "Devolução", ["Input.IdempotencyKey"] = LedgerTestKit.NewKey() }, token);
        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var manager = await kit.SignInAsync(kit.Tenant.Manager);
        await manager.GetPageAsync("/counter"); // a manager picks the store once per shift...
        using var pick = await manager.PostAsync("/counter?handler=Store", new Dictionary<string, string> { ["storeId"] = kit.Tenant.StoreId.ToString() },
            FormClient.FindAntiforgeryToken(manager.LastHtml));
        pick.StatusCode.Should().Be(HttpStatusCode.Redirect);
        using var done = await manager.SubmitAsync($"/counter/refund/{old.PurchaseId}",
            new Dictionary<string, string> { ["Input.Amount"] = "40,00", ["Input.Reason"] = "Item devolvido", ["Input.IdempotencyKey"] = LedgerTestKit.NewKey() });
        done.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(3_00, "R$ 5,00 earned, R$ 2,00 reversed for R$ 40,00 refunded");

        var audit = await kit.DbAsync(db => db.Set<AuditEntry>().Where(a => a.Action == "purchase.refunded").ToListAsync());
        audit.Should().ContainSingle().Which.StoreId.Should().Be(kit.Tenant.StoreId);
    }

    [Fact]
    public async Task A_burst_of_purchases_for_one_customer_is_flagged_with_its_evidence_for_managers()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-burst");
        var (customer, _) = await kit.EnrollAsync("Burst Customer");
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        for (var i = 1; i <= 4; i++)
            (await CounterKit.PostPurchaseAsync(cashier, customer, "10,00", receipt: $"B-{i}")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.DbAsync(db => db.AnomalyFlags.CountAsync())).Should().Be(0, "four purchases in an hour is within the default limit");

        (await CounterKit.PostPurchaseAsync(cashier, customer, "10,00", receipt: "B-5")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await CounterKit.PostPurchaseAsync(cashier, customer, "10,00", receipt: "B-6")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var flag = await kit.DbAsync(db => db.AnomalyFlags.AsNoTracking().SingleAsync());
        flag.Kind.Should().Be(AnomalyKind.Burst);
        flag.CustomerId.Should().Be(customer);
        flag.Occurrences.Should().Be(2, "the sixth purchase adds to the open flag");
        using var owner = await kit.SignInAsync(kit.Tenant.Owner);
        var html = await owner.GetPageAsync("/app/anomalies");
        System.Net.WebUtility.HtmlDecode(html).Should().Contain("6 compras de Burst Customer em 60 minutos (limite 4)").And.Contain("B-6").And.Contain("B-1");

        using var review = await owner.SubmitAsync("/app/anomalies", new Dictionary<string, string> { ["Note"] = "Talked to the team" },
            $"/app/anomalies?handler=Review&id={flag.Id}");
        review.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.DbAsync(db => db.AnomalyFlags.SingleAsync())).ReviewedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task A_burst_limit_above_the_evidence_list_is_counted_in_full()
    {
        // The evidence list keeps 50 purchases; the count must not stop there, or a limit above 50 could never be passed.
        var kit = await CounterKit.CreateAsync(fixture, "counter-burst-55");
        var (customer, _) = await kit.EnrollAsync("Busy Customer");
        await using (var scope = kit.Scope())
        {
            scope.Db.CounterSettings.Add(new CounterSettings { TenantId = kit.Id, BurstPurchases = 55, UpdatedAt = DateTimeOffset.UtcNow });
            await scope.Db.SaveChangesAsync();
        }
        for (var i = 0; i < 55; i++) await kit.BuyAsync(customer, 10_00);
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        (await CounterKit.PostPurchaseAsync(cashier, customer, "10,00", receipt: "B-56")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var flag = await kit.DbAsync(db => db.AnomalyFlags.AsNoTracking().SingleAsync());
        flag.Kind.Should().Be(AnomalyKind.Burst);
        flag.Summary.Should().Contain("56 purchases").And.Contain("(limit 55)");
    }

    [Fact]
    public async Task The_velocity_rules_count_a_walk_ins_purchases_and_parallel_ones_in_full()
    {
        // A walk-in's first purchase creates the customer; later ones find them by phone. Purchases racing for one customer
        // take turns on the account lock and the rules read after it (not in the locking statement, whose snapshot predates
        // the wait), so each counts every purchase committed before it: the sixth says six.
        var kit = await CounterKit.CreateAsync(fixture, "counter-burst-walkin");
        var phone = LedgerTestKit.NewPhone();
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        async Task<HttpStatusCode> WalkInAsync(string receipt)
        {
            var html = await cashier.GetPageAsync($"/counter?walkin={Uri.EscapeDataString(phone)}");
            var key = System.Text.RegularExpressions.Regex.Match(html, @"name=""Purchase.IdempotencyKey""[^>]*value=""([^""]+)""").Groups[1].Value;
            using var response = await cashier.PostAsync("/counter?handler=Purchase", new Dictionary<string, string>
            {
                ["Purchase.Phone"] = phone, ["Purchase.IdempotencyKey"] = key, ["Purchase.Amount"] = "10,00", ["Purchase.Receipt"] = receipt,
            }, FormClient.FindAntiforgeryToken(html));
            return response.StatusCode;
        }
        for (var i = 1; i <= 2; i++) (await WalkInAsync($"W-{i}")).Should().Be(HttpStatusCode.Redirect);
        (await Task.WhenAll(WalkInAsync("W-3"), WalkInAsync("W-4"))).Should().AllBeEquivalentTo(HttpStatusCode.Redirect);
        (await kit.DbAsync(db => db.AnomalyFlags.CountAsync())).Should().Be(0, "four purchases in an hour is within the default limit");

        (await Task.WhenAll(WalkInAsync("W-5"), WalkInAsync("W-6"))).Should().AllBeEquivalentTo(HttpStatusCode.Redirect);
        var flag = await kit.DbAsync(db => db.AnomalyFlags.AsNoTracking().SingleAsync());
        flag.Kind.Should().Be(AnomalyKind.Burst);
        flag.Occurrences.Should().Be(2, "the fifth and the sixth are both over the limit, whichever committed first");
        flag.Summary.Should().Contain("6 purchases").And.Contain("(limit 4)");
        (await kit.DbAsync(db => db.Purchases.CountAsync(p => p.ReceiptNumber!.StartsWith("W-")))).Should().Be(6);
    }

    [Fact]
    public async Task A_cashier_recording_purchases_for_their_own_phone_is_flagged()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-own");
        var (customer, phone) = await kit.EnrollAsync("Cashier Himself");
        await using (var scope = kit.Scope())
            await scope.Db.Users.Where(u => u.Id == kit.Tenant.Cashier.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.PhoneNumber, phone));
        var (someoneElse, _) = await kit.EnrollAsync("Someone Else");
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);

        (await CounterKit.PostPurchaseAsync(cashier, someoneElse, "30,00")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.DbAsync(db => db.AnomalyFlags.CountAsync())).Should().Be(0);
        (await CounterKit.PostPurchaseAsync(cashier, customer, "30,00")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var flag = await kit.DbAsync(db => db.AnomalyFlags.AsNoTracking().SingleAsync());
        flag.Kind.Should().Be(AnomalyKind.OwnAccount);
        flag.CashierUserId.Should().Be(kit.Tenant.Cashier.UserId);
        flag.Summary.Should().Contain("own phone");
    }

    [Fact]
    public async Task An_unusual_refund_rate_flags_the_cashier()
    {
        var kit = await CounterKit.CreateAsync(fixture, "counter-refund-rate");
        await using (var scope = kit.Scope())
            await scope.Get<SaveCounterSettings>().ExecuteAsync(new SaveCounterSettings.Request(50_00, 10, 100, 60, true, 5_000, 3, 30), AuditActor.System);
        var (customer, _) = await kit.EnrollAsync();
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var r = await CounterKit.PostPurchaseAsync(cashier, customer, "20,00");
            ids.Add(r.Headers.Location!.OriginalString.Split('/').Last());
        }
        async Task Refund(string id)
        {
            using var r = await cashier.SubmitAsync($"/counter/refund/{id}",
                new Dictionary<string, string> { ["Input.Amount"] = "20,00", ["Input.Reason"] = "Devolução", ["Input.IdempotencyKey"] = LedgerTestKit.NewKey() });
            r.StatusCode.Should().Be(HttpStatusCode.Redirect);
        }
        await Refund(ids[0]);
        (await kit.DbAsync(db => db.AnomalyFlags.CountAsync())).Should().Be(0, "1 refund in 4 purchases is under 50%");
        await Refund(ids[1]);

        var flag = await kit.DbAsync(db => db.AnomalyFlags.AsNoTracking().SingleAsync());
        flag.Kind.Should().Be(AnomalyKind.RefundRate);
        flag.Summary.Should().Contain("refunded 2 of 4 purchases");
    }
}
