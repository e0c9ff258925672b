using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Api;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Tests.Reliability;

/// <summary>
/// 400 money requests at one instance at the same moment (issue 14, "Done when"): 100 purchases, 100 purchases paying
/// with cashback, 100 refunds and 100 voucher redemptions (each voucher raced twice), over 40 customers. No answer is a
/// 500 (503 with Retry-After is allowed under overload), every 201 is recorded exactly once, no voucher is used twice,
/// and the books balance.
/// </summary>
public sealed class MoneyStormTests(LedgerFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    [Fact]
    public async Task Four_hundred_parallel_money_requests_answer_no_500_and_keep_the_books_balanced()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        var rules = ApiKit.VoucherRules();
        rules.MaxRedeemShareBps = 5_000;
        var t = await fixture.CreateTenantAsync(rules);
        // Four POS terminals (four API keys), each well inside the documented burst of 200 per key.
        var terminals = new List<HttpClient>();
        for (var i = 0; i < 4; i++) terminals.Add(fixture.ApiClient(await t.CreateKeyAsync(t.StoreId, name: $"POS {i}")));
        var customers = new List<Guid>();
        var refundable = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            var c = await t.EnrollAsync($"Storm {i}");
            customers.Add(c);
            await t.BuyAsync(c, 300_00); // R$ 15,00 earned, available at once: a voucher of R$ 10,00 and R$ 5,00 left
            refundable.Add((await t.BuyAsync(c, 50_00)).PurchaseId);
            refundable.Add((await t.BuyAsync(c, 40_00)).PurchaseId);
        }
        await t.IssueVouchersAsync(); // one voucher of R$ 10,00 each (R$ 19,50 earned), R$ 9,50 left
        foreach (var c in customers) await t.AdjustAsync(c, 20_00, "Balance to pay with"); // R$ 29,50: two payments of R$ 12,00, not three
        var vouchers = await t.WithDbAsync(db => db.Vouchers.Where(v => v.Status == VoucherStatus.Issued).Select(v => v.Code).ToListAsync());
        vouchers.Should().HaveCountGreaterThanOrEqualTo(40);
        var before = await t.WithDbAsync(db => db.Purchases.CountAsync());

        var requests = new List<Func<Task<(string Kind, HttpResponseMessage Response, string? Receipt)>>>();
        for (var i = 0; i < 100; i++)
        {
            var n = i;
            var api = terminals[n % terminals.Count];
            requests.Add(async () => ("purchase", await api.PostJsonAsync("/api/v1/purchases",
                new { customer = new { id = customers[n % 40] }, amountCents = 10_00 + n, receiptNumber = $"STORM-P-{n}" }, $"storm-p-{n}"), $"STORM-P-{n}"));
            requests.Add(async () => ("redeem", await api.PostJsonAsync("/api/v1/purchases",
                new { customer = new { id = customers[n % 40] }, amountCents = 40_00, redeemCents = 12_00, receiptNumber = $"STORM-R-{n}" }, $"storm-r-{n}"), $"STORM-R-{n}"));
            requests.Add(async () => ("refund", await api.PostJsonAsync($"/api/v1/purchases/{refundable[n % refundable.Count]}/refunds",
                new { amountCents = 7_00, reason = "storm" }, $"storm-f-{n}"), null));
            requests.Add(async () => ("voucher", await api.PostJsonAsync($"/api/v1/vouchers/{vouchers[n % 50 % vouchers.Count]}/redeem", new { }, $"storm-v-{n}"), null));
        }

        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(requests.Select(r => Task.Run(r)));
        clock.Stop();

        var byKindAndStatus = results.GroupBy(r => $"{r.Kind} {(int)r.Response.StatusCode}").OrderBy(g => g.Key)
            .Select(g => $"{g.Key}: {g.Count()}").ToList();
        output.WriteLine($"{results.Length} requests in {clock.Elapsed.TotalSeconds:0.0} s: {string.Join(", ", byKindAndStatus)}");
        var codes = new ConcurrentBag<string>();
        foreach (var (kind, response, _) in results.Where(r => (int)r.Response.StatusCode >= 400))
        {
            var problem = await response.Content.ReadAsStringAsync();
            response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", $"{kind}: {problem}");
            codes.Add($"{kind} {System.Text.Json.JsonDocument.Parse(problem).RootElement.GetProperty("code").GetString()}");
        }
        output.WriteLine("refusals: " + string.Join(", ", codes.GroupBy(c => c).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));

        results.Should().NotContain(r => (int)r.Response.StatusCode >= 500 && r.Response.StatusCode != HttpStatusCode.ServiceUnavailable,
            "no request is a 500: " + string.Join(", ", byKindAndStatus));
        results.Where(r => r.Response.StatusCode == HttpStatusCode.ServiceUnavailable).All(r => r.Response.Headers.RetryAfter != null)
            .Should().BeTrue("an overloaded answer says when to retry");
        codes.Where(c => !c.EndsWith("voucher_used") && !c.EndsWith("insufficient_balance") && !c.EndsWith("over_refund")
                         && !c.EndsWith("below_minimum_balance") && !c.EndsWith("service_unavailable"))
            .Should().BeEmpty("the only refusals are the races the books must win (a voucher used twice, a balance or a purchase spent out)");

        var acknowledged = results.Where(r => r.Receipt is not null && r.Response.StatusCode == HttpStatusCode.Created).Select(r => r.Receipt!).ToList();
        var stored = await t.WithDbAsync(db => db.Purchases.Where(p => p.ReceiptNumber!.StartsWith("STORM-")).Select(p => p.ReceiptNumber!).ToListAsync());
        stored.Should().BeEquivalentTo(acknowledged, "every acknowledged purchase is recorded exactly once, and nothing else");
        results.Count(r => r.Kind == "voucher" && r.Response.StatusCode == HttpStatusCode.OK)
            .Should().Be(Math.Min(50, vouchers.Count), "each of the 50 raced vouchers is redeemed exactly once");
        (await t.WithDbAsync(db => db.Purchases.CountAsync())).Should().Be(before + acknowledged.Count);
        await t.AssertBooksBalanceAsync();
    }
}
