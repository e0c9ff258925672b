using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features;

/// <summary>The two reference programs of PRODUCT.md, as rules (fresh objects: change them freely).</summary>
public static class SampleRules
{
    /// <summary>Velluto: 5%, 7 days pending, 90 days expiry, a R$ 20,00 voucher each time the balance reaches it, prescriptions excluded.</summary>
    public static ProgramRules Velluto() => new()
    {
        EarnRateBps = 500, PendingDays = 7, ExpiryDays = 90, ExcludedCategories = ["prescription"],
        VoucherMode = VoucherMode.Threshold, VoucherThresholdCents = 20_00, VoucherValidityDays = 30,
    };

    /// <summary>LitoralCash: 5%, available at once, 180 days expiry, spent at the counter from R$ 10,00, up to half a purchase.</summary>
    public static ProgramRules LitoralCash() => new()
    {
        EarnRateBps = 500, PendingDays = 0, ExpiryDays = 180, VoucherMode = VoucherMode.None,
        MinRedeemBalanceCents = 10_00, MaxRedeemShareBps = 5_000,
    };

    /// <summary>
    /// Aurora's points program: 1 point per R$ 1 (or the rate given), available at once, each lot valid 365 days, no vouchers
    /// (points are spent on the catalogue, never as payment).
    /// </summary>
    public static ProgramRules Points(int pointsPerUnit = 1, int? expiryDays = 365) => new()
    {
        RewardType = RewardType.Points, PointsPerCurrencyUnit = pointsPerUnit, EarnRateBps = 0, PendingDays = 0, ExpiryDays = expiryDays,
        VoucherMode = VoucherMode.None, MinRedeemBalanceCents = 0, MaxRedeemShareBps = 10_000, CostPerPointCents = 1,
    };

    /// <summary>The reference program of a reward type by name ("cashback" → <see cref="Plain"/>, "points" → <see cref="Points"/>), for theories run for both.</summary>
    public static ProgramRules OfType(string rewardType, int cashbackRateBps = 500) =>
        rewardType == "points" ? Points() : Plain(cashbackRateBps);

    /// <summary>Plain rules for tests about one thing: the rate given, available at once, no expiry, no limits.</summary>
    public static ProgramRules Plain(int rateBps = 500) => new()
    {
        EarnRateBps = rateBps, PendingDays = 0, ExpiryDays = null, VoucherMode = VoucherMode.None,
        MinRedeemBalanceCents = 0, MaxRedeemShareBps = 10_000,
    };
}

/// <summary>
/// A tenant made for one test (tenant row, one store, rules v1) and shortcuts to the ledger operations on it.
/// Every operation runs through DI the way a page or endpoint would, with the fixture's fake clock as "now".
/// </summary>
public sealed class TestTenant(LedgerFixture fixture, Guid id, Guid storeId, string slug)
{
    public LedgerFixture Fixture { get; } = fixture;
    public Guid Id { get; } = id;
    public Guid StoreId { get; } = storeId;
    public string Slug { get; } = slug;
    public DateTimeOffset Now => Fixture.Clock.Now;

    public TestScope Scope() => Fixture.CreateScope(Id);

    public async Task<T> WithDbAsync<T>(Func<SmartbisDb, Task<T>> read)
    {
        await using var scope = Scope();
        return await read(scope.Db);
    }

    public async Task<T> RunAsync<TOperation, T>(Func<TOperation, Task<T>> run) where TOperation : notnull
    {
        await using var scope = Scope();
        return await run(scope.Get<TOperation>());
    }

    public async Task<Guid> AddStoreAsync(string name = "Second store")
    {
        await using var scope = Scope();
        var store = new Store { Name = name, CreatedAt = Now };
        scope.Db.Stores.Add(store);
        await scope.Db.SaveChangesAsync();
        return store.Id;
    }

    /// <summary>The tenant's backdating window (hours a purchase's occurredAt may lie in the past), as the owner sets it.</summary>
    public async Task SetBackdatingWindowAsync(int hours)
    {
        await using var scope = Scope();
        var s = await Smartbis.Web.Features.Counter.SaveCounterSettings.LoadAsync(scope.Db);
        await scope.Get<Smartbis.Web.Features.Counter.SaveCounterSettings>().ExecuteAsync(new Smartbis.Web.Features.Counter.SaveCounterSettings.Request(
            s.LargeRedemptionCents, s.CodeValidityMinutes, s.BurstPurchases, s.BurstWindowMinutes, s.FlagOwnAccount, s.RefundRateBps,
            s.RefundRateMinPurchases, s.RefundRateWindowDays, hours), Smartbis.Web.Features.Audit.AuditActor.System);
    }

    public Task<ProgramRules> SaveRulesAsync(ProgramRules rules, DateTimeOffset? effectiveFrom = null) =>
        RunAsync<SaveProgramRules, ProgramRules>(s => s.ExecuteAsync(rules, null, effectiveFrom));

    public Task<EnrollCustomer.Result> JoinAsync(string? phone = null, string? email = null, string name = "Test Customer") =>
        RunAsync<EnrollCustomer, EnrollCustomer.Result>(e => e.ExecuteAsync(new EnrollCustomer.Request(name, phone ?? LedgerTestKit.NewPhone(), email)));

    /// <summary>Enrolls a new member (fresh phone) and returns their id.</summary>
    public async Task<Guid> EnrollAsync(string name = "Test Customer") => (await JoinAsync(name: name)).CustomerId;

    /// <summary>A purchase request with a fresh idempotency key and receipt number.</summary>
    public RecordPurchase.Request Purchase(Guid? customerId, long amountCents, long payWithCashbackCents = 0, string? voucherCode = null,
        IReadOnlyList<RecordPurchase.Line>? lines = null, DateTimeOffset? occurredAt = null, string? phone = null, Guid? storeId = null) =>
        new(storeId ?? StoreId, customerId, phone, amountCents, "R-" + LedgerTestKit.NewKey()[..12], LedgerTestKit.NewKey(), occurredAt,
            payWithCashbackCents, voucherCode, lines);

    public Task<Idempotent<RecordPurchase.Result>> RecordAsync(RecordPurchase.Request request) =>
        RunAsync<RecordPurchase, Idempotent<RecordPurchase.Result>>(p => p.ExecuteAsync(request));

    public async Task<RecordPurchase.Result> BuyAsync(Guid customerId, long amountCents, long payWithCashbackCents = 0, string? voucherCode = null,
        IReadOnlyList<RecordPurchase.Line>? lines = null, DateTimeOffset? occurredAt = null)
    {
        var result = await RecordAsync(Purchase(customerId, amountCents, payWithCashbackCents, voucherCode, lines, occurredAt));
        result.Replayed.Should().BeFalse();
        return result.Value;
    }

    public async Task<RefundPurchase.Result> RefundAsync(Guid purchaseId, long amountCents, string reason = "Returned by the customer")
    {
        var result = await RunAsync<RefundPurchase, Idempotent<RefundPurchase.Result>>(r =>
            r.ExecuteAsync(new RefundPurchase.Request(purchaseId, amountCents, reason, LedgerTestKit.NewKey())));
        return result.Value;
    }

    public async Task<RedeemVoucher.Result> RedeemVoucherAsync(string code, Guid? customerId = null) =>
        (await RunAsync<RedeemVoucher, Idempotent<RedeemVoucher.Result>>(r =>
            r.ExecuteAsync(new RedeemVoucher.Request(code, customerId, LedgerTestKit.NewKey())))).Value;

    public async Task<Balances> AdjustAsync(Guid customerId, long amountCents, string reason = "Goodwill credit") =>
        (await RunAsync<AdjustBalance, Idempotent<Balances>>(a =>
            a.ExecuteAsync(new AdjustBalance.Request(customerId, amountCents, reason, "manager-1", LedgerTestKit.NewKey())))).Value;

    /// <summary>
    /// Spends <paramref name="amount"/> (cents or points) from the available balance with the ledger's own primitives in
    /// <see cref="Books"/>, the way a catalogue redemption does: lock the account, expire credit past its date, refuse above what
    /// is available, consume lots FIFO (soonest expiry first), one Redeem entry — once per key.
    /// </summary>
    public async Task<Balances> SpendAsync(Guid customerId, long amount, string? key = null)
    {
        var write = new IdempotentWrite("test", key ?? LedgerTestKit.NewKey(), "spend", Idempotency.Hash(new { customerId, amount }));
        var result = await Fixture.Get<LedgerUnit>().RunOnceAsync(Id, write, Fixture.Clock, async (db, now) =>
        {
            var books = new Books(db, now);
            var account = await books.LockAsync(customerId);
            await books.ExpireDueLotsAsync(account);
            if (amount > account.AvailableCents)
                throw new OperationFailed("insufficient_balance", "insufficient_available", "amountCents", values: new { available = new Amount(account.AvailableCents) });
            await books.ConsumeAvailableAsync(customerId, amount);
            books.Post(account, EntryKind.Redeem, $"Spent {amount} on a reward", available: -amount);
            return Balances.Of(account);
        });
        return result.Value;
    }

    public Task<int> ReleaseAsync() => Fixture.Get<ReleasePendingCredits>().ExecuteAsync(Id, Now);
    public Task<ExpireCredits.Result> ExpireAsync() => Fixture.Get<ExpireCredits>().ExecuteAsync(Id, Now);
    public Task<IssueVouchers.Result> IssueVouchersAsync() => Fixture.Get<IssueVouchers>().ExecuteAsync(Id, Now);

    public Task<Balances> BalancesAsync(Guid customerId) =>
        WithDbAsync(async db => Balances.Of(await db.Accounts.AsNoTracking().SingleAsync(a => a.CustomerId == customerId)));

    public Task<List<Voucher>> VouchersAsync(Guid customerId) =>
        WithDbAsync(db => db.Vouchers.AsNoTracking().Where(v => v.CustomerId == customerId).OrderBy(v => v.IssuedAt).ThenBy(v => v.Code).ToListAsync());

    public Task<List<LedgerEntry>> EntriesAsync(Guid customerId) =>
        WithDbAsync(db => db.LedgerEntries.AsNoTracking().Where(e => e.CustomerId == customerId).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).ToListAsync());

    public Task<List<CreditLot>> LotsAsync(Guid customerId) =>
        WithDbAsync(db => db.CreditLots.AsNoTracking().Where(l => l.CustomerId == customerId).OrderBy(l => l.CreatedAt).ThenBy(l => l.Id).ToListAsync());

    public Task<Customer> CustomerAsync(Guid customerId) =>
        WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Id == customerId));

    /// <summary>Counts of what a failed operation must not have touched: purchases, entries, lots, vouchers, outbox, idempotency keys.</summary>
    public Task<(int Purchases, int Entries, int Lots, int Vouchers, int Events, int Keys)> RowCountsAsync() =>
        WithDbAsync(async db => (await db.Purchases.CountAsync(), await db.LedgerEntries.CountAsync(), await db.CreditLots.CountAsync(),
            await db.Vouchers.CountAsync(), await db.OutboxEvents.CountAsync(), await db.IdempotencyRecords.CountAsync()));

    public Task<IReadOnlyList<string>> CheckLedgerAsync() => WithDbAsync(db => CheckLedger.RunAsync(db));

    /// <summary>The ledger's invariants hold for this tenant (CheckLedger finds nothing).</summary>
    public async Task AssertBooksBalanceAsync() =>
        (await CheckLedgerAsync()).Should().BeEmpty($"the books of tenant {Slug} must balance");
}

public static class LedgerTestKit
{
    private static long phoneCounter = Random.Shared.Next(0, 50_000_000);

    public static string NewKey() => Guid.NewGuid().ToString("N");

    /// <summary>A valid Brazilian mobile number nobody in this test run has used, in E.164.</summary>
    public static string NewPhone()
    {
        var n = Interlocked.Increment(ref phoneCounter) % 100_000_000;
        var phone = $"+55119{n:D8}";
        Phones.ToE164(phone).Should().Be(phone, "the test kit must hand out valid phone numbers");
        return phone;
    }

    /// <summary>
    /// A tenant (row + one store, time zone America/Sao_Paulo unless given) with <paramref name="rules"/> as version 1,
    /// in force from <paramref name="rulesFrom"/> (default: a year before the clock's now, so backdated purchases find it).
    /// </summary>
    public static async Task<TestTenant> CreateTenantAsync(this LedgerFixture fixture, ProgramRules rules, DateTimeOffset? rulesFrom = null,
        string timeZone = "America/Sao_Paulo", string name = "Test Pharmacy")
    {
        var now = fixture.Clock.Now;
        var tenant = new Tenant { Slug = "t-" + NewKey()[..16], Name = name, TimeZone = timeZone, CreatedAt = now, PlanCode = Tenancy.TenantKit.PlanCode };
        Guid storeId;
        await using (var scope = fixture.CreateScope(tenant.Id))
        {
            scope.Db.Tenants.Add(tenant);
            var store = new Store { Name = name + " Centro", CreatedAt = now };
            scope.Db.Stores.Add(store);
            await scope.Db.SaveChangesAsync();
            storeId = store.Id;
        }
        var t = new TestTenant(fixture, tenant.Id, storeId, tenant.Slug);
        await t.SaveRulesAsync(rules, rulesFrom ?? now.AddDays(-365));
        return t;
    }

    /// <summary>Runs <paramref name="action"/>, expects it to be refused with <paramref name="code"/>, returns the refusal.</summary>
    public static async Task<OperationFailed> ShouldFailAsync(Func<Task> action, string code)
    {
        var thrown = await FluentActions.Awaiting(action).Should().ThrowAsync<OperationFailed>();
        thrown.Which.Code.Should().Be(code, "the refusal was: {0}", thrown.Which.Message);
        return thrown.Which;
    }
}

/// <summary>
/// Base of the ledger test classes: one database per class (<see cref="LedgerFixture"/>), fresh tenants per test,
/// and after every test the books of every tenant it made must balance (CheckLedger finds nothing).
/// </summary>
public abstract class LedgerTests(LedgerFixture fixture) : IClassFixture<LedgerFixture>, IAsyncLifetime
{
    private readonly List<TestTenant> tenants = [];

    protected LedgerFixture Fixture => fixture;
    protected TestClock Clock => fixture.Clock;

    /// <summary>A new tenant for this test; its books are checked when the test ends.</summary>
    protected async Task<TestTenant> NewTenantAsync(ProgramRules rules, DateTimeOffset? rulesFrom = null, string timeZone = "America/Sao_Paulo")
    {
        var tenant = await fixture.CreateTenantAsync(rules, rulesFrom, timeZone);
        lock (tenants) tenants.Add(tenant);
        return tenant;
    }

    public virtual Task InitializeAsync()
    {
        // Each test starts on the same Monday noon (UTC) unless it moves the clock itself.
        Clock.StartAt(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var tenant in tenants) await tenant.AssertBooksBalanceAsync();
    }
}
