using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Api;

/// <summary>Distinct idempotency keys never collide, whatever their length or spelling (issue 14, item 8).</summary>
public sealed class ApiKeyStorageTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static object Body(Guid customer, string receipt) => new { customer = new { id = customer }, amountCents = 100_00, receiptNumber = receipt };

    [Fact]
    public async Task A_key_at_the_length_limit_and_the_literal_sha256_of_it_are_two_purchases()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var longKey = new string('k', 255);
        // The spelling the long key used to be stored under ("api:sha256:<hash>"), typed by a client as a key of its own.
        var lookalike = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(longKey)));

        var first = await api.PostJsonAsync("/api/v1/purchases", Body(customer, "K-LONG"), longKey);
        first.StatusCode.Should().Be(HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var second = await api.PostJsonAsync("/api/v1/purchases", Body(customer, "K-LOOKALIKE"), lookalike);
        second.StatusCode.Should().Be(HttpStatusCode.Created, await second.Content.ReadAsStringAsync());
        second.Headers.Contains("Idempotent-Replayed").Should().BeFalse("a different key is a different request");
        var ids = new[] { await first.JsonAsync(HttpStatusCode.Created), await second.JsonAsync(HttpStatusCode.Created) }
            .Select(j => j.GetProperty("id").GetGuid()).ToList();
        ids.Distinct().Should().HaveCount(2);
        (await t.WithDbAsync(db => db.Purchases.CountAsync())).Should().Be(2);

        // Each replays its own purchase.
        var replay = await api.PostJsonAsync("/api/v1/purchases", Body(customer, "K-LONG"), longKey);
        (await replay.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid().Should().Be(ids[0]);
        var keys = await t.WithDbAsync(db => db.IdempotencyRecords.Select(r => r.Key).ToListAsync());
        keys.Should().OnlyContain(k => k.StartsWith("api:") && k.Length == "api:".Length + 64, "every key is stored as its source and its SHA-256");
    }
}

/// <summary>An app whose pool holds one connection: a request that needed two at once would wait for itself and time out.</summary>
public sealed class OneConnectionFixture : LedgerFixture
{
    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Smartbis"] = new NpgsqlConnectionStringBuilder(AppConnectionString) { MaxPoolSize = 1, Timeout = 5 }.ConnectionString;
        settings["Smartbis:Database:MaxPoolSize"] = "1";
    }
}

/// <summary>
/// No request holds two connections (issue 14, item 2): every API write (enrol, purchase, refund, voucher redemption)
/// and read works on a pool of one. Before, refunds, redemptions and enrolments held a session lock on the request's
/// connection while their transaction took a second one: under load the pool ran dry and they answered 500.
/// </summary>
public sealed class ApiOneConnectionTests(OneConnectionFixture fixture) : IClassFixture<OneConnectionFixture>
{
    [Fact]
    public async Task Every_api_write_works_with_a_pool_of_one_connection()
    {
        var t = await fixture.CreateTenantAsync(ApiKit.VoucherRules());
        var api = fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));

        var enrolled = await (await api.PostJsonAsync("/api/v1/customers", new { name = "Pool Of One", phone = LedgerTestKit.NewPhone() }, "one-enrol"))
            .JsonAsync(HttpStatusCode.Created);
        var customer = enrolled.GetProperty("id").GetGuid();
        var purchase = await (await api.PostJsonAsync("/api/v1/purchases",
            new { customer = new { id = customer }, amountCents = 400_00, receiptNumber = "ONE-1" }, "one-buy")).JsonAsync(HttpStatusCode.Created);
        var purchaseId = purchase.GetProperty("id").GetGuid();
        await (await api.PostJsonAsync($"/api/v1/purchases/{purchaseId}/refunds", new { amountCents = 10_00, reason = "one item back" }, "one-refund"))
            .JsonAsync(HttpStatusCode.Created);
        await t.IssueVouchersAsync();
        var code = (await t.VouchersAsync(customer)).First().Code;
        await (await api.PostJsonAsync($"/api/v1/vouchers/{code}/redeem", new { }, "one-redeem")).JsonAsync(HttpStatusCode.OK);
        await (await api.GetAsync($"/api/v1/customers/{customer}")).JsonAsync(HttpStatusCode.OK);
        await t.AssertBooksBalanceAsync();
    }
}
