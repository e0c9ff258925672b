using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Api;

/// <summary>A POS retries: the same purchase POST is one purchase, whatever the retries and their concurrency.</summary>
public sealed class ApiIdempotencyTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static object Body(Guid customer, long amount = 100_00, string receipt = "R-IDEM") =>
        new { customer = new { id = customer }, amountCents = amount, receiptNumber = receipt };

    [Fact]
    public async Task The_same_purchase_posted_50_times_in_a_row_is_one_purchase_with_identical_bodies()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var key = "serial-" + Guid.NewGuid();

        var first = await api.PostJsonAsync("/api/v1/purchases", Body(customer), key);
        var firstBody = await first.Content.ReadAsStringAsync();
        first.StatusCode.Should().Be(HttpStatusCode.Created, firstBody);
        first.Headers.Contains("Idempotent-Replayed").Should().BeFalse();
        for (var i = 0; i < 50; i++)
        {
            var r = await api.PostJsonAsync("/api/v1/purchases", Body(customer), key);
            r.StatusCode.Should().Be(HttpStatusCode.Created);
            (await r.Content.ReadAsStringAsync()).Should().Be(firstBody);
            r.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        }
        (await t.WithDbAsync(db => db.Purchases.CountAsync())).Should().Be(1);
        (await t.BalancesAsync(customer)).AvailableCents.Should().Be(5_00);
    }

    [Fact]
    public async Task The_same_purchase_posted_50_times_in_parallel_is_one_purchase_with_identical_bodies()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var key = "parallel-" + Guid.NewGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            var r = await api.PostJsonAsync("/api/v1/purchases", Body(customer), key);
            return (r.StatusCode, Body: await r.Content.ReadAsStringAsync(), Replayed: r.Headers.Contains("Idempotent-Replayed"));
        })));
        responses.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.Created, responses.FirstOrDefault(r => r.StatusCode != HttpStatusCode.Created).Body ?? "");
        responses.Select(r => r.Body).Distinct().Should().HaveCount(1, "every replay returns the first response's body");
        responses.Count(r => !r.Replayed).Should().Be(1, "exactly one request did the work; the other 49 are marked as replays");
        (await t.WithDbAsync(db => db.Purchases.CountAsync())).Should().Be(1);
        (await t.BalancesAsync(customer)).AvailableCents.Should().Be(5_00);
    }

    // A unit's first attempt does the work and claims the key in its last batch (LedgerUnit.RunOnceAsync). A partial refund's
    // replay would succeed again as work (nothing in it refuses a second R$ 10 of a R$ 100 purchase): the claim itself must
    // refuse it, and the unit then answers the first result.
    [Fact]
    public async Task Replays_of_a_partial_refund_serial_and_in_parallel_refund_once()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var bought = await api.PostJsonAsync("/api/v1/purchases", Body(customer, receipt: "R-REFUND"), "refund-purchase");
        var purchaseId = (await bought.JsonAsync(HttpStatusCode.Created)).Id();
        var refund = new { amountCents = 10_00, reason = "one item back" };

        var first = await api.PostJsonAsync($"/api/v1/purchases/{purchaseId}/refunds", refund, "refund-1");
        var firstBody = await first.Content.ReadAsStringAsync();
        first.StatusCode.Should().Be(HttpStatusCode.Created, firstBody);
        var again = await api.PostJsonAsync($"/api/v1/purchases/{purchaseId}/refunds", refund, "refund-1");
        again.StatusCode.Should().Be(HttpStatusCode.Created);
        (await again.Content.ReadAsStringAsync()).Should().Be(firstBody);
        again.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");

        var parallel = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            var r = await api.PostJsonAsync($"/api/v1/purchases/{purchaseId}/refunds", refund, "refund-2");
            return (r.StatusCode, Body: await r.Content.ReadAsStringAsync(), Replayed: r.Headers.Contains("Idempotent-Replayed"));
        })));
        parallel.Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.Created, parallel.FirstOrDefault(r => r.StatusCode != HttpStatusCode.Created).Body ?? "");
        parallel.Select(r => r.Body).Distinct().Should().HaveCount(1);
        parallel.Count(r => !r.Replayed).Should().Be(1);

        (await t.WithDbAsync(db => db.Purchases.AsNoTracking().SingleAsync())).RefundedCents.Should().Be(2 * 10_00);
        var records = await t.WithDbAsync(db => db.IdempotencyRecords.AsNoTracking().ToListAsync());
        records.Should().HaveCount(3).And.OnlyContain(r => r.StatusCode == 201 && r.Response != null);
    }

    // The work would now refuse (the customer was blocked since): a replay still answers the first result, and a new key is refused.
    [Fact]
    public async Task A_replay_answers_the_first_result_even_where_the_work_would_now_be_refused()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var first = await api.PostJsonAsync("/api/v1/purchases", Body(customer, receipt: "R-BLOCK"), "before-block");
        var firstBody = await first.Content.ReadAsStringAsync();
        first.StatusCode.Should().Be(HttpStatusCode.Created, firstBody);
        await t.WithDbAsync(db => db.Customers.Where(c => c.Id == customer)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, Smartbis.Web.Features.Customers.CustomerStatus.Blocked)));

        var replay = await api.PostJsonAsync("/api/v1/purchases", Body(customer, receipt: "R-BLOCK"), "before-block");
        replay.StatusCode.Should().Be(HttpStatusCode.Created);
        (await replay.Content.ReadAsStringAsync()).Should().Be(firstBody);
        replay.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
        var refused = await (await api.PostJsonAsync("/api/v1/purchases", Body(customer, receipt: "R-NEW"), "after-block")).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        refused.GetProperty("code").GetString().Should().Be("customer_blocked");
        (await t.WithDbAsync(db => db.IdempotencyRecords.CountAsync())).Should().Be(1, "a refused request leaves its key free");
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_422_and_writes_nothing()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var key = "reused-" + Guid.NewGuid();
        (await api.PostJsonAsync("/api/v1/purchases", Body(customer), key)).StatusCode.Should().Be(HttpStatusCode.Created);
        var before = await t.RowCountsAsync();
        var balances = await t.BalancesAsync(customer);

        var p = await (await api.PostJsonAsync("/api/v1/purchases", Body(customer, amount: 200_00), key)).ProblemAsync(HttpStatusCode.UnprocessableEntity, "Idempotency-Key");
        p.GetProperty("code").GetString().Should().Be("idempotency_key_reused");
        // The same key on another endpoint is another request too.
        await (await api.PostJsonAsync("/api/v1/customers", new { name = "Other", phone = LedgerTestKit.NewPhone() }, key)).ProblemAsync(HttpStatusCode.UnprocessableEntity);

        (await t.RowCountsAsync()).Should().Be(before);
        (await t.BalancesAsync(customer)).Should().Be(balances);
    }

    [Fact]
    public async Task Enrolment_and_redemption_replays_return_the_first_response()
    {
        var t = await NewTenantAsync(ApiKit.VoucherRules());
        var api = Fixture.ApiClient(await t.CreateKeyAsync());
        var body = new { name = "Replay Person", phone = LedgerTestKit.NewPhone() };
        var first = await api.PostJsonAsync("/api/v1/customers", body, "enrol-1");
        var firstBody = await first.Content.ReadAsStringAsync();
        first.StatusCode.Should().Be(HttpStatusCode.Created, firstBody);
        var again = await api.PostJsonAsync("/api/v1/customers", body, "enrol-1");
        again.StatusCode.Should().Be(HttpStatusCode.Created);
        (await again.Content.ReadAsStringAsync()).Should().Be(firstBody);
        again.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");

        var customer = await t.EnrollAsync();
        await t.BuyAsync(customer, 200_00);
        await t.IssueVouchersAsync();
        var code = (await t.VouchersAsync(customer)).Single().Code;
        var r1 = await api.PostJsonAsync($"/api/v1/vouchers/{code}/redeem", new { }, "redeem-1");
        var r1Body = await r1.Content.ReadAsStringAsync();
        r1.StatusCode.Should().Be(HttpStatusCode.OK, r1Body);
        var r2 = await api.PostJsonAsync($"/api/v1/vouchers/{code}/redeem", new { }, "redeem-1");
        r2.StatusCode.Should().Be(HttpStatusCode.OK);
        (await r2.Content.ReadAsStringAsync()).Should().Be(r1Body);
        r2.Headers.Contains("Idempotent-Replayed").Should().BeTrue();
    }
}
