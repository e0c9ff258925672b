using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Api;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Reliability;

/// <summary>
/// 120 purchases sent through the API by 8 POS clients that retry 5xx and 409 with the same Idempotency-Key (every tenth
/// one invalid), while a fault strikes the database; then: every acknowledged purchase recorded exactly once, the
/// refused ones absent, one earn entry per purchase, the books balanced — and requests did fail, so the fault was felt.
/// </summary>
public static class PurchaseStream
{
    public const int Purchases = 120;

    /// <summary>Runs the stream with <paramref name="fault"/> striking once 30 purchases are acknowledged, then checks it all.</summary>
    public static async Task RunAndCheckAsync(LedgerFixture fixture, Func<Task> fault)
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        var t = await fixture.CreateTenantAsync(SampleRules.Plain());
        var api = fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customers = new List<Guid>();
        for (var i = 0; i < 6; i++) customers.Add(await t.EnrollAsync($"Customer {i}"));

        var outcome = new ConcurrentDictionary<int, HttpStatusCode>();
        var failedAttempts = 0;
        var acknowledged = 0;
        var next = -1;

        var struck = Task.Run(async () =>
        {
            while (Volatile.Read(ref acknowledged) < 30) await Task.Delay(10);
            await fault();
        });

        async Task ClientAsync()
        {
            for (var i = Interlocked.Increment(ref next); i < Purchases; i = Interlocked.Increment(ref next))
            {
                // Every tenth request is invalid (zero amount): refused, whatever the retries.
                var amount = i % 10 == 9 ? 0 : 10_00 + i * 37 % 500_00;
                var body = new { customer = new { id = customers[i % customers.Count] }, amountCents = amount, receiptNumber = $"OUT-{i}" };
                for (var attempt = 1; ; attempt++)
                {
                    HttpStatusCode status;
                    try
                    {
                        using var response = await api.PostJsonAsync("/api/v1/purchases", body, $"outage-{i}");
                        status = response.StatusCode;
                    }
                    catch (HttpRequestException) { status = HttpStatusCode.ServiceUnavailable; }
                    // A POS retries what may not have happened (5xx, in flight), never what was answered.
                    if ((int)status >= 500 || status == HttpStatusCode.Conflict)
                    {
                        Interlocked.Increment(ref failedAttempts);
                        attempt.Should().BeLessThan(200, $"purchase {i} should go through once the database is back");
                        await Task.Delay(50);
                        continue;
                    }
                    outcome[i] = status;
                    if (status == HttpStatusCode.Created) Interlocked.Increment(ref acknowledged);
                    break;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(ClientAsync)));
        await struck;

        failedAttempts.Should().BeGreaterThan(0, "requests must have failed during the outage, or the test proved nothing");
        outcome.Should().HaveCount(Purchases, "every request got a final answer");
        var created = outcome.Where(o => o.Value == HttpStatusCode.Created).Select(o => $"OUT-{o.Key}").OrderBy(r => r).ToList();
        var refused = outcome.Where(o => o.Value != HttpStatusCode.Created).ToList();
        refused.Should().HaveCount(Purchases / 10).And.OnlyContain(o => o.Value == HttpStatusCode.UnprocessableEntity && o.Key % 10 == 9);

        var recorded = await t.WithDbAsync(db => db.Purchases.Select(p => p.ReceiptNumber!).ToListAsync());
        recorded.Should().OnlyHaveUniqueItems("no purchase is recorded twice");
        recorded.OrderBy(r => r).Should().Equal(created, "every acknowledged purchase is recorded, and nothing else");
        (await t.WithDbAsync(db => db.LedgerEntries.CountAsync(e => e.Kind == Web.Features.Ledger.EntryKind.Earn))).Should().Be(created.Count);
        (await t.CheckLedgerAsync()).Should().BeEmpty();
    }
}
