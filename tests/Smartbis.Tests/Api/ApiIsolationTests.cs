using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Api;

/// <summary>A key's tenant is the only tenant it reaches: tenant B's key with tenant A's ids and codes finds nothing and changes nothing.</summary>
public sealed class ApiIsolationTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task Tenant_Bs_key_with_tenant_As_customer_purchase_or_voucher_is_404_and_nothing_changes()
    {
        var a = await NewTenantAsync(ApiKit.VoucherRules());
        var b = await NewTenantAsync(ApiKit.VoucherRules());
        var aCustomer = await a.EnrollAsync();
        var aPurchase = await a.BuyAsync(aCustomer, 400_00);
        await a.IssueVouchersAsync();
        var aVoucher = (await a.VouchersAsync(aCustomer)).First();
        var aCard = (await a.CustomerAsync(aCustomer)).CardCode;
        var apiB = Fixture.ApiClient(await b.CreateKeyAsync(b.StoreId));

        async Task<object> SnapshotAsync() => (await a.RowCountsAsync(), await a.BalancesAsync(aCustomer),
            await a.WithDbAsync(db => db.Vouchers.Where(v => v.Id == aVoucher.Id).Select(v => v.Status).SingleAsync()),
            await a.WithDbAsync(db => db.Purchases.Where(p => p.Id == aPurchase.PurchaseId).Select(p => p.RefundedCents).SingleAsync()),
            await b.RowCountsAsync());
        var before = await SnapshotAsync();

        await (await apiB.GetAsync($"/api/v1/customers/{aCustomer}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await apiB.GetAsync($"/api/v1/customers/{aCustomer}/entries")).ProblemAsync(HttpStatusCode.NotFound);
        await (await apiB.GetAsync($"/api/v1/customers/lookup?cardCode={aCard}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await apiB.GetAsync($"/api/v1/vouchers/{aVoucher.Code}")).ProblemAsync(HttpStatusCode.NotFound);
        await (await apiB.PostJsonAsync($"/api/v1/vouchers/{aVoucher.Code}/redeem", new { })).ProblemAsync(HttpStatusCode.NotFound);
        await (await apiB.PostJsonAsync($"/api/v1/purchases/{aPurchase.PurchaseId}/refunds", new { amountCents = 100, reason = "x" })).ProblemAsync(HttpStatusCode.NotFound);
        await (await apiB.PostJsonAsync("/api/v1/purchases", new { customer = new { id = aCustomer }, amountCents = 10_00, receiptNumber = "X-1" }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await apiB.PostJsonAsync("/api/v1/purchases", new { customer = new { cardCode = aCard }, amountCents = 10_00, receiptNumber = "X-2" }))
            .ProblemAsync(HttpStatusCode.NotFound);
        await (await apiB.PostJsonAsync("/api/v1/purchases", new { customer = new { id = aCustomer }, amountCents = 10_00, receiptNumber = "X-3", storeId = a.StoreId }))
            .ProblemAsync(HttpStatusCode.Forbidden);
        var unboundB = Fixture.ApiClient(await b.CreateKeyAsync());
        await (await unboundB.PostJsonAsync("/api/v1/purchases", new { customer = new { id = aCustomer }, amountCents = 10_00, receiptNumber = "X-4", storeId = a.StoreId }))
            .ProblemAsync(HttpStatusCode.NotFound);

        (await SnapshotAsync()).Should().BeEquivalentTo(before);
    }
}
