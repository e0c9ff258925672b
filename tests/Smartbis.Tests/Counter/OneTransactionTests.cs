using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Counter;

/// <summary>
/// One write, one transaction (issue 14, item 9): the ledger work, the audit entry, the anomaly flags and the idempotency
/// record of a counter purchase, a counter refund, a counter enrolment and a dashboard adjustment commit together or not
/// at all. A trigger makes the audit insert fail: nothing of the write may stay behind, and the same form sent again once
/// the audit works is recorded (not a replay of a half-written first attempt) with its audit entry.
/// </summary>
public sealed class OneTransactionTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private const string Marker = "FAIL-AUDIT";

    private async Task BreakAuditAsync(bool broken)
    {
        await using var db = fixture.OpenDb();
        // On a Citus cluster audit_entries is distributed: a trigger on it is allowed once declared safe (this one only
        // raises an error, on the shard that holds the row).
        var unsafeTriggers = PostgresServer.CitusRun ? "SET citus.enable_unsafe_triggers = on;" : "";
        await db.Database.ExecuteSqlRawAsync(broken
            ? $"""
               {unsafeTriggers}
               CREATE OR REPLACE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                 IF NEW.summary LIKE '%{Marker}%' THEN RAISE EXCEPTION 'audit store unavailable (test)'; END IF;
                 RETURN NEW;
               END $$;
               DROP TRIGGER IF EXISTS test_fail_audit ON audit_entries;
               CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION test_fail_audit();
               """
            : $"{unsafeTriggers} DROP TRIGGER IF EXISTS test_fail_audit ON audit_entries;");
    }

    private static Task<int> AuditCountAsync(CounterKit kit, string action) =>
        kit.DbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == action && a.Summary.Contains(Marker)));

    [Fact]
    public async Task A_counter_purchase_whose_audit_entry_fails_leaves_nothing_and_its_retry_is_recorded_with_the_audit()
    {
        var kit = await CounterKit.CreateAsync(fixture, "one-tx-buy", SampleRules.Plain());
        var (customer, _) = await kit.EnrollAsync("One Tx Buyer");
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);
        var (token, key) = await CounterKit.OpenPurchaseFormAsync(client, customer);
        var fields = CounterKit.PurchaseFields(customer, key, "100,00", receipt: $"{Marker}-1");

        await BreakAuditAsync(true);
        try
        {
            using var failed = await client.PostAsync("/counter?handler=Purchase", fields, token);
            failed.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        }
        finally
        {
            await BreakAuditAsync(false);
        }
        (await kit.PurchaseCountAsync(customer)).Should().Be(0, "the purchase was not committed without its audit entry");
        (await kit.BalancesAsync(customer)).PendingCents.Should().Be(0);
        (await kit.DbAsync(db => db.IdempotencyRecords.CountAsync())).Should().Be(0, "nor was its idempotency record");

        using var retried = await client.PostAsync("/counter?handler=Purchase", fields, token);
        retried.StatusCode.Should().Be(HttpStatusCode.Redirect);
        retried.Headers.Location!.OriginalString.Should().NotContain("replayed", "the first attempt left nothing to replay");
        (await kit.PurchaseCountAsync(customer)).Should().Be(1);
        (await AuditCountAsync(kit, "purchase.recorded")).Should().Be(1);
        using var again = await client.PostAsync("/counter?handler=Purchase", fields, token);
        again.Headers.Location!.OriginalString.Should().EndWith("?replayed=true");
        (await AuditCountAsync(kit, "purchase.recorded")).Should().Be(1, "a replay writes nothing, not even an audit entry");
    }

    [Fact]
    public async Task A_counter_refund_whose_audit_entry_fails_leaves_nothing_and_its_retry_is_recorded_with_the_audit()
    {
        var kit = await CounterKit.CreateAsync(fixture, "one-tx-refund", SampleRules.Plain());
        var (customer, _) = await kit.EnrollAsync("One Tx Refund");
        var purchase = await kit.BuyAsync(customer, 100_00);
        using var manager = await kit.SignInAsync(kit.Tenant.Manager);
        var token = FormClient.FindAntiforgeryToken(await manager.GetPageAsync($"/counter/refund/{purchase.PurchaseId}"))!;
        var fields = new Dictionary<string, string>
        {
            ["Input.Amount"] = "40,00", ["Input.Reason"] = $"{Marker} returned", ["Input.IdempotencyKey"] = LedgerTestKit.NewKey(),
        };

        await BreakAuditAsync(true);
        try
        {
            using var failed = await manager.PostAsync($"/counter/refund/{purchase.PurchaseId}", fields, token);
            failed.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        }
        finally
        {
            await BreakAuditAsync(false);
        }
        (await kit.DbAsync(db => db.PurchaseRefunds.CountAsync())).Should().Be(0);
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(5_00, "no cashback was reversed");

        using var retried = await manager.PostAsync($"/counter/refund/{purchase.PurchaseId}", fields, token);
        retried.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.DbAsync(db => db.PurchaseRefunds.CountAsync())).Should().Be(1);
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(3_00);
        (await AuditCountAsync(kit, "purchase.refunded")).Should().Be(1);
        using var again = await manager.PostAsync($"/counter/refund/{purchase.PurchaseId}", fields, token);
        (await kit.DbAsync(db => db.PurchaseRefunds.CountAsync())).Should().Be(1, "the same form again is the same refund");
        (await AuditCountAsync(kit, "purchase.refunded")).Should().Be(1);
    }

    [Fact]
    public async Task A_counter_enrolment_whose_audit_entry_fails_leaves_nothing_and_its_retry_joins_once_with_the_audit()
    {
        var kit = await CounterKit.CreateAsync(fixture, "one-tx-enrol", SampleRules.Plain());
        using var client = await kit.SignInAsync(kit.Tenant.Cashier);
        var token = FormClient.FindAntiforgeryToken(await client.GetPageAsync("/counter?enrol=true"))!;
        var fields = new Dictionary<string, string>
        {
            ["Enrol.Name"] = $"{Marker} Joiner", ["Enrol.Phone"] = LedgerTestKit.NewPhone(), ["Enrol.Email"] = "",
            ["Enrol.IdempotencyKey"] = "counter-" + LedgerTestKit.NewKey(),
        };

        await BreakAuditAsync(true);
        try
        {
            using var failed = await client.PostAsync("/counter?handler=Enrol", fields, token);
            failed.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        }
        finally
        {
            await BreakAuditAsync(false);
        }
        (await kit.DbAsync(db => db.Customers.CountAsync(c => c.Name.Contains(Marker)))).Should().Be(0);

        using var retried = await client.PostAsync("/counter?handler=Enrol", fields, token);
        retried.StatusCode.Should().Be(HttpStatusCode.Redirect);
        using var again = await client.PostAsync("/counter?handler=Enrol", fields, token);
        again.StatusCode.Should().Be(HttpStatusCode.Redirect, "the same enrolment form again lands on the same customer, not on a duplicate error");
        again.Headers.Location.Should().Be(retried.Headers.Location);
        (await kit.DbAsync(db => db.Customers.CountAsync(c => c.Name.Contains(Marker)))).Should().Be(1);
        (await AuditCountAsync(kit, "customer.enrolled")).Should().Be(1);
    }

    [Fact]
    public async Task A_dashboard_adjustment_whose_audit_entry_fails_leaves_nothing_and_its_retry_is_recorded_with_the_audit()
    {
        var kit = await CounterKit.CreateAsync(fixture, "one-tx-adjust", SampleRules.Plain());
        var (customer, _) = await kit.EnrollAsync("One Tx Adjust");
        using var manager = await kit.SignInAsync(kit.Tenant.Manager);
        var token = FormClient.FindAntiforgeryToken(await manager.GetPageAsync($"/app/customers/{customer}"))!;
        var fields = new Dictionary<string, string>
        {
            ["Adjust.Amount"] = "7,00", ["Adjust.Direction"] = "credit", ["Adjust.Reason"] = $"{Marker} goodwill", ["Adjust.IdempotencyKey"] = LedgerTestKit.NewKey(),
        };

        await BreakAuditAsync(true);
        try
        {
            using var failed = await manager.PostAsync($"/app/customers/{customer}?handler=Adjust", fields, token);
            failed.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        }
        finally
        {
            await BreakAuditAsync(false);
        }
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(0);
        (await kit.DbAsync(db => db.LedgerEntries.CountAsync(e => e.Kind == EntryKind.Adjustment))).Should().Be(0);

        using var retried = await manager.PostAsync($"/app/customers/{customer}?handler=Adjust", fields, token);
        retried.StatusCode.Should().Be(HttpStatusCode.Redirect);
        using var again = await manager.PostAsync($"/app/customers/{customer}?handler=Adjust", fields, token);
        (await kit.BalancesAsync(customer)).AvailableCents.Should().Be(7_00, "one adjustment, however often the form is sent");
        (await AuditCountAsync(kit, "balance.adjusted")).Should().Be(1);
    }
}
