using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>Operations run for tenant A cannot reach tenant B's customers, purchases or vouchers, even given their ids or codes.</summary>
public sealed class TenantIsolationTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private sealed record Snapshot(Balances Balances, VoucherStatus VoucherStatus, long Refunded, int Entries, int Purchases, int Customers);

    [Fact]
    public async Task Operations_of_one_tenant_cannot_touch_another_tenants_customers_purchases_or_vouchers()
    {
        var rules = SampleRules.Velluto();
        rules.PendingDays = 0;
        var a = await NewTenantAsync(rules);
        var b = await NewTenantAsync(rules);
        var aCustomer = await a.EnrollAsync();
        var bCustomer = await b.EnrollAsync();
        var bPurchase = await b.BuyAsync(bCustomer, 500_00);
        await b.IssueVouchersAsync();
        var bVoucher = (await b.VouchersAsync(bCustomer)).Single();
        await a.BuyAsync(aCustomer, 100_00);
        var before = await SnapshotAsync(b, bCustomer, bVoucher.Id, bPurchase.PurchaseId);

        var attempts = new (string What, Func<Task> Act)[]
        {
            ("earn for B's customer", () => a.BuyAsync(bCustomer, 100_00)),
            ("purchase in B's store", () => a.RecordAsync(a.Purchase(aCustomer, 100_00, storeId: b.StoreId))),
            ("refund B's purchase", () => a.RefundAsync(bPurchase.PurchaseId, 10_00)),
            ("redeem B's voucher by code", () => a.RedeemVoucherAsync(bVoucher.Code)),
            ("pay with B's voucher", () => a.BuyAsync(aCustomer, 100_00, voucherCode: bVoucher.Code)),
            ("cancel B's voucher", () => a.RunAsync<CancelVoucher, Balances>(c => c.ExecuteAsync(bVoucher.Id, "fraud", "manager-a"))),
            ("adjust B's customer", () => a.AdjustAsync(bCustomer, -1_00)),
            ("credit B's customer", () => a.AdjustAsync(bCustomer, 1_00)),
            ("bonus for B's customer", () => a.RunAsync<GrantBonus, Idempotent<GrantBonus.Result>>(g =>
                g.ExecuteAsync(new GrantBonus.Request(bCustomer, BonusKind.Birthday, LedgerTestKit.NewKey(), 5_00)))),
        };
        foreach (var (what, act) in attempts)
        {
            var thrown = await FluentActions.Awaiting(act).Should().ThrowAsync<OperationFailed>(what);
            thrown.Which.Status.Should().Be(404, what);
        }

        (await SnapshotAsync(b, bCustomer, bVoucher.Id, bPurchase.PurchaseId)).Should().Be(before, "B's data is unchanged");
        (await a.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(1);
        (await a.WithDbAsync(db => db.Vouchers.AnyAsync(v => v.Id == bVoucher.Id))).Should().BeFalse("A's queries do not see B's rows");
    }

    [Fact]
    public async Task A_phone_known_in_another_tenant_is_a_new_walk_in_here()
    {
        var a = await NewTenantAsync(SampleRules.Plain());
        var b = await NewTenantAsync(SampleRules.Plain());
        var phone = LedgerTestKit.NewPhone();
        var member = await b.JoinAsync(phone: phone);

        var walkIn = (await a.RecordAsync(a.Purchase(null, 100_00, phone: phone))).Value;

        walkIn.CustomerId.Should().NotBe(member.CustomerId);
        walkIn.CustomerUnclaimed.Should().BeTrue();
        (await b.BalancesAsync(member.CustomerId)).Should().Be(new Balances(0, 0, 0, 0));
    }

    [Fact]
    public async Task Jobs_run_for_one_tenant_leave_the_other_alone()
    {
        var velluto = SampleRules.Velluto();
        var a = await NewTenantAsync(velluto);
        var b = await NewTenantAsync(velluto);
        var aCustomer = await a.EnrollAsync();
        var bCustomer = await b.EnrollAsync();
        await a.BuyAsync(aCustomer, 400_00);
        await b.BuyAsync(bCustomer, 400_00);
        Clock.Advance(TimeSpan.FromDays(7));

        await a.ReleaseAsync();
        await a.IssueVouchersAsync();

        (await a.BalancesAsync(aCustomer)).Should().Be(new Balances(0, 0, 0, 20_00));
        (await b.BalancesAsync(bCustomer)).Should().Be(new Balances(20_00, 0, 0, 0));
    }

    private static async Task<Snapshot> SnapshotAsync(TestTenant t, Guid customer, Guid voucher, Guid purchase) =>
        await t.WithDbAsync(async db => new Snapshot(
            Balances.Of(await db.Accounts.AsNoTracking().SingleAsync(x => x.CustomerId == customer)),
            await db.Vouchers.Where(v => v.Id == voucher).Select(v => v.Status).SingleAsync(),
            await db.Purchases.Where(p => p.Id == purchase).Select(p => p.RefundedCents).SingleAsync(),
            await db.LedgerEntries.CountAsync(),
            await db.Purchases.CountAsync(),
            await db.Customers.CountAsync()));
}
