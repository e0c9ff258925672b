using System.Data.Common;
using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Smartbis.Tests.Api;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data;

namespace Smartbis.Tests.Reliability;

/// <summary>The app reaches PostgreSQL through a <see cref="TcpProxy"/> the test can cut.</summary>
public sealed class OutageFixture : LedgerFixture
{
    public TcpProxy Proxy { get; private set; } = null!;

    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureSettings(settings);
        var direct = new NpgsqlConnectionStringBuilder(settings["ConnectionStrings:Smartbis"] ?? ConnectionString);
        Proxy = new TcpProxy(direct.Host!, direct.Port);
        settings["ConnectionStrings:Smartbis"] = new NpgsqlConnectionStringBuilder(direct.ConnectionString)
        {
            Host = "127.0.0.1", Port = Proxy.Port, Timeout = 5, CommandTimeout = 30,
        }.ConnectionString;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Proxy.DisposeAsync();
    }
}

/// <summary>
/// PostgreSQL goes away in the middle of a stream of purchases sent through the API by POS clients that retry with
/// the same Idempotency-Key: every acknowledged purchase is recorded exactly once, nothing refused is recorded, and
/// the books balance.
/// </summary>
public sealed class DatabaseOutageTests(OutageFixture fixture) : IClassFixture<OutageFixture>
{
    [Fact]
    public async Task A_database_outage_mid_stream_loses_and_duplicates_no_purchase()
    {
        // The fault: the database unreachable (open connections dropped, new ones refused) until the app has tried and
        // failed to reach it 20 times — an outage the clients certainly met, however fast or slow the machine.
        await PurchaseStream.RunAndCheckAsync(fixture, async () =>
        {
            fixture.Proxy.Cut();
            await fixture.Proxy.WaitForRefusedAsync(20);
            fixture.Proxy.Restore();
        });
        fixture.Proxy.Dropped.Should().BeGreaterThan(0, "the outage must have cut live connections");
    }

    [Fact]
    public async Task A_connection_lost_right_after_the_commit_leaves_a_retry_the_original_result_and_no_duplicate()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        // The first commit that writes a purchase is the one under test (setup writes none).
        var cutter = new CutAfterCommits<Web.Features.Purchases.Purchase>(fixture.Proxy, after: 1);
        await using var app = fixture.App.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.ConfigureDbContext<SmartbisDb>(o => o.AddInterceptors(cutter))));
        var t = await fixture.CreateTenantAsync(SampleRules.Plain());
        var key = await t.CreateKeyAsync(t.StoreId);
        var customer = await t.EnrollAsync();
        using var api = app.CreateClient(new() { BaseAddress = new Uri("https://localhost") });
        api.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var body = new { customer = new { id = customer }, amountCents = 80_00, receiptNumber = "AFTER-COMMIT" };

        // The commit is the last thing the request needs from the database (the key is held in the purchase's own transaction,
        // its creation time comes back from the operation), so the database going away right after it cannot lose the answer.
        string first;
        using (var answered = await api.PostJsonAsync("/api/v1/purchases", body, "after-commit-1"))
            first = (await answered.JsonAsync(HttpStatusCode.Created)).GetRawText();
        cutter.Fired.Should().BeTrue();
        await using (var direct = fixture.OpenDb(t.Id)) // around the proxy, which is still cut
            (await direct.Purchases.CountAsync()).Should().Be(1, "the commit happened");

        // The POS's own connection dropped before the answer reached it (the server cannot tell): it retries with the
        // same key while the database is still away (503, retry later), then once it is back.
        using (var during = await api.PostJsonAsync("/api/v1/purchases", body, "after-commit-1"))
            during.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        fixture.Proxy.Restore();
        HttpResponseMessage retry;
        var attempts = 0;
        while (true)
        {
            retry = await api.PostJsonAsync("/api/v1/purchases", body, "after-commit-1");
            if ((int)retry.StatusCode < 500 || ++attempts > 20) break; // a pooled connection that died with the cut may fail once
            retry.Dispose();
        }
        using (retry)
        {
            var json = await retry.JsonAsync(HttpStatusCode.Created);
            retry.Headers.GetValues("Idempotent-Replayed").Should().Equal("true");
            json.Cents("earnedCents").Should().Be(4_00);
            json.GetRawText().Should().Be(first, "a replay is the original answer");
        }
        (await t.WithDbAsync(db => db.Purchases.CountAsync())).Should().Be(1, "the retry replayed, it did not record again");
        (await t.BalancesAsync(customer)).AvailableCents.Should().Be(4_00);
        (await t.CheckLedgerAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_voucher_run_killed_half_way_and_run_again_issues_each_voucher_once()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        var rules = SampleRules.Plain();
        rules.VoucherMode = Web.Features.Programs.VoucherMode.Threshold;
        rules.VoucherThresholdCents = 10_00;
        rules.VoucherValidityDays = 30;
        var t = await fixture.CreateTenantAsync(rules);
        var customers = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var c = await t.EnrollAsync($"Voucher {i}");
            await t.BuyAsync(c, 200_00 + i * 100_00); // R$ 10,00 to R$ 65,00 of cashback: 1 to 6 vouchers each
            customers.Add(c);
        }
        var expected = 0;
        foreach (var c in customers) expected += (int)((await t.BalancesAsync(c)).AvailableCents / 10_00);

        var cutter = new CutAfterCommits<Web.Features.Vouchers.Voucher>(fixture.Proxy, after: 4);
        await using (var app = fixture.App.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
                         s.ConfigureDbContext<SmartbisDb>(o => o.AddInterceptors(cutter)))))
        {
            var run = () => app.Services.GetRequiredService<Web.Features.Vouchers.IssueVouchers>().ExecuteAsync(t.Id, fixture.Clock.Now);
            await run.Should().ThrowAsync<Exception>("the database went away in the middle of the run");
        }
        cutter.Fired.Should().BeTrue();
        fixture.Proxy.Restore();
        await using (var direct = fixture.OpenDb(t.Id))
            (await direct.Vouchers.CountAsync()).Should().BeInRange(4, expected - 1, "the run stopped part way");

        await t.IssueVouchersAsync(); // the next run (or Hangfire's retry) finishes the job
        await t.IssueVouchersAsync(); // and one more changes nothing
        (await t.WithDbAsync(db => db.Vouchers.CountAsync())).Should().Be(expected, "each threshold crossing gives one voucher, however the runs went");
        foreach (var c in customers) (await t.BalancesAsync(c)).AvailableCents.Should().BeLessThan(10_00);
        (await t.CheckLedgerAsync()).Should().BeEmpty();
    }

    /// <summary>Cuts the database right after the Nth commit that wrote a <typeparamref name="T"/>; the test restores it.</summary>
    private sealed class CutAfterCommits<T>(TcpProxy proxy, int after) : DbTransactionInterceptor where T : class
    {
        private int seen;
        public volatile bool Fired;

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken ct = default)
        {
            if (eventData.Context?.ChangeTracker.Entries<T>().Any() == true && Interlocked.Increment(ref seen) == after)
            {
                Fired = true;
                proxy.Cut();
            }
            return Task.CompletedTask;
        }
    }
}
