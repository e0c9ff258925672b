using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Api;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Tests.Reliability;

/// <summary>
/// Bounded load on one app instance — purchases (some paying with cashback), balance lookups, refunds and voucher
/// redemptions from many concurrent API clients — while a second app instance on the same database runs the
/// nightly jobs (release, vouchers, expiry) at the same time as the first. Afterwards the books balance, every voucher
/// is redeemed at most once, and every acknowledged write is recorded exactly once.
/// SMARTBIS_LOAD_SECONDS sets the duration (default 15; ./test.sh --long runs it for three minutes).
/// </summary>
public sealed class LoadHeldTests(LedgerFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<LedgerFixture>
{
    private static readonly TimeSpan Duration =
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("SMARTBIS_LOAD_SECONDS"), out var s) ? s : 15);

    [Fact]
    public async Task Many_clients_and_two_job_runners_keep_the_books_balanced()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        var rules = SampleRules.Plain();
        rules.VoucherMode = VoucherMode.Threshold;
        rules.VoucherThresholdCents = 10_00;
        rules.VoucherValidityDays = 30;
        rules.MaxRedeemShareBps = 5_000;
        var t = await fixture.CreateTenantAsync(rules);
        var api = fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customers = new List<Guid>();
        for (var i = 0; i < 20; i++) customers.Add(await t.EnrollAsync($"Load {i}"));

        // The second instance: same database, its own process-level services.
        await using var second = new SmartbisFactory(fixture.Factory.ConnectionString, fixture.Factory.Settings);
        var runners = new[] { fixture.App.Services, second.Services };

        var acknowledged = new ConcurrentBag<string>(); // receipt numbers answered 201
        var refunded = new ConcurrentBag<(Guid Purchase, long Cents)>();
        var redeemed = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var serverErrors = 0;
        var requests = 0;
        var clock = Stopwatch.StartNew();
        var seq = 0;

        async Task ClientAsync(int worker)
        {
            var rnd = new Random(worker);
            while (clock.Elapsed < Duration)
            {
                var customer = customers[rnd.Next(customers.Count)];
                HttpResponseMessage response;
                var roll = rnd.NextDouble();
                if (roll < 0.55)
                {
                    var n = Interlocked.Increment(ref seq);
                    var amount = rnd.Next(5_00, 200_00);
                    var redeem = rnd.NextDouble() < 0.3 ? rnd.Next(1_00, 20_00) : 0;
                    response = await api.PostJsonAsync("/api/v1/purchases",
                        new { customer = new { id = customer }, amountCents = amount, receiptNumber = $"L-{n}", redeemCents = redeem }, $"load-{n}");
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        acknowledged.Add($"L-{n}");
                        if (rnd.NextDouble() < 0.1)
                        {
                            var id = (await response.JsonAsync(HttpStatusCode.Created)).Id();
                            using var refund = await api.PostJsonAsync($"/api/v1/purchases/{id}/refunds", new { amountCents = amount / 2, reason = "load" }, $"refund-{n}");
                            Count(refund);
                            if (refund.StatusCode == HttpStatusCode.Created) refunded.Add((id, amount / 2));
                        }
                    }
                }
                else if (roll < 0.85)
                {
                    response = await api.GetAsync($"/api/v1/customers/{customer}");
                }
                else
                {
                    // Two clients race for the same voucher now and then: it must be redeemed once.
                    using var lookup = await api.GetAsync($"/api/v1/customers/{customer}");
                    if (lookup.StatusCode != HttpStatusCode.OK) { Count(lookup); await PoliteAsync(lookup); continue; }
                    var vouchers = (await lookup.JsonAsync(HttpStatusCode.OK)).GetProperty("vouchers");
                    if (vouchers.GetArrayLength() == 0) { Count(lookup); continue; }
                    var code = vouchers[0].GetProperty("code").GetString()!;
                    response = await api.PostJsonAsync($"/api/v1/vouchers/{code}/redeem", new { }, $"redeem-{worker}-{Interlocked.Increment(ref seq)}");
                    if (response.StatusCode == HttpStatusCode.OK) redeemed.Add(code);
                }
                Count(response);
                await PoliteAsync(response);
                response.Dispose();
            }
        }

        // Like a POS, a client told to slow down (429) waits as long as Retry-After says.
        static Task PoliteAsync(HttpResponseMessage r) =>
            r.StatusCode == HttpStatusCode.TooManyRequests ? Task.Delay(r.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1)) : Task.CompletedTask;

        void Count(HttpResponseMessage r)
        {
            Interlocked.Increment(ref requests);
            statuses.AddOrUpdate((int)r.StatusCode, 1, (_, c) => c + 1);
            if ((int)r.StatusCode >= 500) Interlocked.Increment(ref serverErrors);
        }

        async Task JobsAsync(IServiceProvider services)
        {
            while (clock.Elapsed < Duration)
            {
                var now = fixture.Clock.Now;
                await services.GetRequiredService<ReleasePendingCredits>().ExecuteAsync(t.Id, now);
                await services.GetRequiredService<IssueVouchers>().ExecuteAsync(t.Id, now);
                await services.GetRequiredService<ExpireCredits>().ExecuteAsync(t.Id, now);
            }
        }

        // Time passes during the load as it does in a store: the app's clock follows the wall clock, so the API key's
        // rate limit refills and a client that waited Retry-After is served again (a frozen clock never refills it).
        async Task TimePassesAsync()
        {
            var last = clock.Elapsed;
            while (clock.Elapsed < Duration)
            {
                await Task.Delay(100);
                var elapsed = clock.Elapsed;
                fixture.Clock.Advance(elapsed - last);
                last = elapsed;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(() => ClientAsync(w)))
            .Concat(runners.Select(r => Task.Run(() => JobsAsync(r))))
            .Append(TimePassesAsync()));

        var summary = string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"));
        output.WriteLine($"{requests} requests in {clock.Elapsed.TotalSeconds:0} s ({summary}); {acknowledged.Count} purchases, " +
                         $"{refunded.Count} refunds, {redeemed.Count} vouchers redeemed; jobs on two instances");
        serverErrors.Should().Be(0, $"no request may fail with a server error ({summary})");
        acknowledged.Should().HaveCountGreaterThan(50, "the load must have recorded purchases ({0})", summary);
        redeemed.Should().NotBeEmpty("vouchers were issued by the job runners and redeemed under load ({0})", summary);

        var receipts = await t.WithDbAsync(db => db.Purchases.Select(p => p.ReceiptNumber!).ToListAsync());
        receipts.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(acknowledged, "every acknowledged purchase exactly once, nothing else");
        redeemed.Should().OnlyHaveUniqueItems("a voucher is redeemed once, however many clients race for it");
        var redeemedInDb = await t.WithDbAsync(db => db.Vouchers.Where(v => v.Status == VoucherStatus.Redeemed).Select(v => v.Code).ToListAsync());
        redeemedInDb.Select(Web.Infrastructure.Codes.Normalize).Should().BeEquivalentTo(redeemed.Select(Web.Infrastructure.Codes.Normalize));
        (await t.WithDbAsync(db => db.PurchaseRefunds.SumAsync(r => r.AmountCents))).Should().Be(refunded.Sum(r => r.Cents));
        (await t.CheckLedgerAsync()).Should().BeEmpty("the books balance after {0} requests", requests);
    }
}
