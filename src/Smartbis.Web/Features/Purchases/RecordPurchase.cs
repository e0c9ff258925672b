using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Purchases;

/// <summary>
/// Records a purchase in one transaction: applies a voucher and/or cashback as payment (within the rules),
/// earns on the part paid with money less excluded categories, settles any clawback first, credits a lot.
/// A retry with the same idempotency key returns the first result; a repeated receipt in the store is refused.
/// </summary>
public sealed class RecordPurchase(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public sealed record Line(string Category, long AmountCents);

    public sealed record Request(
        Guid StoreId, Guid? CustomerId, string? Phone, long AmountCents, string? ReceiptNumber, string IdempotencyKey,
        DateTimeOffset? OccurredAt = null, long PayWithCashbackCents = 0, string? VoucherCode = null,
        IReadOnlyList<Line>? Lines = null, string? CashierUserId = null, string Source = "counter");

    public sealed record Result(
        Guid PurchaseId, Guid CustomerId, bool CustomerUnclaimed, string? ReceiptNumber, DateTimeOffset OccurredAt,
        long AmountCents, long PaidWithCashbackCents, long PaidWithVoucherCents, long PaidWithMoneyCents,
        long EligibleCents, long EarnedCents, long ClawbackOffsetCents, int RuleVersion, int RateBps,
        DateTimeOffset? AvailableAt, DateTimeOffset? ExpiresAt, Balances Balances, DateTimeOffset? CreatedAt = null);

    public const string Operation = "record_purchase";
    public const int MaxLines = 500;

    /// <summary>Records the purchase once per idempotency key, in one transaction (<see cref="LedgerUnit.RunOnceAsync{T}"/>).</summary>
    public Task<Idempotent<Result>> ExecuteAsync(Request request, CancellationToken ct = default)
    {
        var phone = Validate(request);
        return unit.RunOnceAsync(tenant.Require(), Write(request), clock, (db, now) => RecordAsync(db, new Books(db, now), request, phone, ct), ct);
    }

    /// <summary>The purchase's idempotency: its key in its source's namespace ("counter", "api"), the request without who typed it.</summary>
    public static IdempotentWrite Write(Request r) =>
        new(r.Source, r.IdempotencyKey, Operation, Idempotency.Hash(r with { IdempotencyKey = "", CashierUserId = null }), 201);

    /// <summary>Records the purchase inside a caller's unit (the counter's, which adds its fraud gate, audit and flags to the same transaction).</summary>
    public static Task<Result> RecordInUnitAsync(SmartbisDb db, DateTimeOffset now, Request r, CancellationToken ct) =>
        RecordAsync(db, new Books(db, now), r, Validate(r), ct);

    /// <summary>Records the purchase in the change tracker; the caller saves (with the key's result, in one batch).</summary>
    private static async Task<Result> RecordAsync(SmartbisDb db, Books books, Request r, string? phone, CancellationToken ct)
    {
        var now = books.Now;
        // Any offset is accepted and stored as UTC (a POS in São Paulo sends -03:00; PostgreSQL's timestamptz takes UTC only).
        var occurredAt = (r.OccurredAt ?? now).ToUniversalTime();
        // The store and its tenant's settings in one read (the configuration cache).
        var found = await StoreAsync(db, r.StoreId, ct) ?? throw new OperationFailed("not_found", "store_not_found", "storeId", 404);
        var (store, tenantRow) = (found.Store, found.Tenant);
        Amount amountOf(long cents) => new(cents, tenantRow.CurrencyCode, tenantRow.Locale);
        if (!store.Active) throw new OperationFailed("store_inactive", "store_inactive", "storeId");
        if (occurredAt > now + CounterSettings.FutureSkew)
            throw new OperationFailed("occurred_at_in_future", "occurred_at_in_future", "occurredAt",
                values: new { minutes = (int)CounterSettings.FutureSkew.TotalMinutes, now });
        var backdated = now - occurredAt > CounterSettings.BackdatedFlagAfter;
        if (backdated) await CheckBackdatingWindowAsync(db, occurredAt, now, ct);

        var receipt = string.IsNullOrWhiteSpace(r.ReceiptNumber) ? null : r.ReceiptNumber.Trim();
        // The customer, their account locked and the receipt check in one round trip; the rare paths (a repeated receipt,
        // an unknown customer, a walk-in's first purchase) read again the way they always did.
        var member = await FindAndLockAsync(db, r, phone, receipt, ct);
        if (member is null or { Repeated: true }) await RefuseRepeatedReceiptAsync(db, r.StoreId, receipt, amountOf, ct);
        Customer customer;
        Account account;
        if (member is null)
        {
            customer = await FindCustomerAsync(db, r, phone, now, ct);
            account = await books.LockAsync(customer.Id, ct);
        }
        else (customer, account) = (member.Customer, member.Account);
        if (customer.Status == CustomerStatus.Anonymized)
            throw new OperationFailed("customer_deleted", "customer_deleted", "customerId", 409);
        if (customer.Status != CustomerStatus.Active)
            throw new OperationFailed("customer_blocked", "customer_blocked", "customerId");

        var rules = await RulesInForce.CachedAtAsync(db, occurredAt, ct);
        var purchase = new Purchase
        {
            StoreId = store.Id, CustomerId = customer.Id, ReceiptNumber = receipt, AmountCents = r.AmountCents, OccurredAt = occurredAt,
            CreatedAt = now, CashierUserId = r.CashierUserId, Source = r.Source, RuleVersion = rules.Version,
        };

        // 1. A voucher pays first: it is worth its whole value, once.
        if (!string.IsNullOrWhiteSpace(r.VoucherCode))
        {
            var voucher = await RedeemVoucher.FindUsableAsync(db, r.VoucherCode, customer.Id, now, ct);
            if (voucher.ValueCents > r.AmountCents - r.PayWithCashbackCents)
                throw new OperationFailed("voucher_exceeds_purchase",
                    "voucher_exceeds_purchase", "voucherCode", values: new { value = amountOf(voucher.ValueCents) });
            RedeemVoucher.Apply(books, account, voucher, purchase.Id);
            purchase.PaidWithVoucherCents = voucher.ValueCents;
            purchase.VoucherId = voucher.Id;
        }

        // 2. Cashback pays within the rules: minimum balance, maximum share of the purchase, what is available
        //    (credit past its expiry first expires: it cannot pay, whether or not the expiry job has run).
        if (r.PayWithCashbackCents > 0)
        {
            if (rules.IsPoints)
                throw new OperationFailed("points_not_payment", "points_not_payment", "payWithCashbackCents",
                    values: new { currencyName = tenantRow.CurrencyName });
            if (!customer.IsClaimed)
                throw new OperationFailed("customer_unclaimed",
                    "customer_unclaimed", "payWithCashbackCents");
            await books.ExpireDueLotsAsync(account, ct);
            var maxShare = rules.MaxCashbackPaymentCents(r.AmountCents);
            if (account.AvailableCents < rules.MinRedeemBalanceCents)
                throw new OperationFailed("below_minimum_balance", "below_minimum_balance", "payWithCashbackCents",
                    values: new { currencyName = tenantRow.CurrencyName, minimum = amountOf(rules.MinRedeemBalanceCents) });
            if (r.PayWithCashbackCents > maxShare)
                throw new OperationFailed("over_max_share", "over_max_share", "payWithCashbackCents",
                    values: new { maximum = amountOf(maxShare), currencyName = tenantRow.CurrencyName });
            if (r.PayWithCashbackCents > account.AvailableCents)
                throw new OperationFailed("insufficient_balance", "insufficient_balance", "payWithCashbackCents",
                    values: new { available = amountOf(account.AvailableCents) });
            await books.ConsumeAvailableAsync(customer.Id, r.PayWithCashbackCents, ct);
            books.Post(account, EntryKind.Redeem, $"Paid {Money.Format(r.PayWithCashbackCents, tenantRow.CurrencyCode, tenantRow.Locale)} of a purchase at {store.Name}",
                available: -r.PayWithCashbackCents, purchaseId: purchase.Id, text: EntryText.Redeem(r.PayWithCashbackCents, store.Name));
            purchase.PaidWithCashbackCents = r.PayWithCashbackCents;
            books.Emit(Events.CashbackRedeemed, customer.Id, purchase.Id, new { purchaseId = purchase.Id, amountCents = r.PayWithCashbackCents });
        }

        // 3. Earn on what was paid with money, less the excluded categories (one rounding, half-up).
        var money = r.AmountCents - purchase.PaidWithVoucherCents - purchase.PaidWithCashbackCents;
        var lines = r.Lines ?? [];
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(occurredAt, Zone(tenantRow.TimeZone)).DateTime);
        // The control group earns without boosts when the merchant chose so (Results/ControlGroup.cs).
        var earnRules = await Results.ControlGroup.EarnRulesAsync(db, customer, rules, ct);
        var (eligible, earned, rate) = Earn(earnRules, r.AmountCents, money, lines, localDate);
        // Tiers: the member's level (raised at once when this purchase crosses a threshold) multiplies the rate.
        var tier = await Tiers.TierOnPurchase.ApplyAsync(books, customer.Id, occurredAt, r.AmountCents, earned, ct);
        // A campaign's boost ("double cashback this weekend") for its recipients, on top of the tier's.
        var multiplierBps = await CampaignMultiplierAsync(db, customer.Id, occurredAt, tier.MultiplierBps, ct);
        if (multiplierBps != Tiers.TierLevel.NoMultiplier)
            (eligible, earned, rate) = Earn(earnRules, r.AmountCents, money, lines, localDate, multiplierBps);
        purchase.EligibleCents = eligible;
        purchase.EarnedCents = earned;
        purchase.RateBps = rate;
        purchase.Lines = lines.Select((l, i) => new PurchaseLine { LineNo = i + 1, Category = l.Category.Trim(), AmountCents = l.AmountCents, Excluded = IsExcluded(rules, l.Category) }).ToList();
        db.Purchases.Add(purchase);

        // The pending period runs from when the purchase was recorded (never from a backdated occurredAt): backdating
        // cannot make cashback available sooner, nor make it expire sooner (expiry counts from availability).
        var credited = books.Credit(account, EntryKind.Earn, earned,
            rules.IsPoints ? $"{earned} points ({rate} per {tenantRow.CurrencyCode} 1) on your purchase at {store.Name}"
                           : $"{rate / 100m:0.##}% cashback on your purchase at {store.Name}",
            Max(occurredAt, now).AddDays(rules.PendingDays), rules.ExpiryDays, purchase.Id, rules.Version, rate, r.CashierUserId,
            rules.IsPoints ? EntryText.EarnPoints(earned, store.Name) : EntryText.Earn(rate, store.Name));
        if (backdated) await DetectAnomalies.BackdatedAsync(db, purchase, store.Name, now, ct);
        if (earned > 0)
            books.Emit(Events.CashbackEarned, customer.Id, purchase.Id, new
            {
                purchaseId = purchase.Id, amountCents = earned, availableAt = credited.Lot?.AvailableAt, expiresAt = credited.Lot?.ExpiresAt,
                pending = credited.Lot?.Status == LotStatus.Pending, storeId = store.Id,
            });
        books.Emit(Events.PurchaseRecorded, customer.Id, purchase.Id, new
        {
            purchaseId = purchase.Id, storeId = store.Id, amountCents = r.AmountCents, earnedCents = earned, receiptNumber = receipt, occurredAt,
        });
        await Referrals.QualifyReferral.OnPurchaseAsync(books, customer, account, purchase, rules, ct); // same transaction: rewards commit with the purchase
        await Challenges.CompleteChallenges.OnPurchaseAsync(books, account, purchase, tenantRow.TimeZone, rules, ct); // a bonus once per customer
        // Metering: the month's purchase count, counted once this unit commits (never for a rolled-back or replayed one).
        Plans.Usage.CountAfterCommit(db, now, Plans.UsageCounter.Purchases);

        return new Result(purchase.Id, customer.Id, !customer.IsClaimed, receipt, occurredAt, r.AmountCents,
            purchase.PaidWithCashbackCents, purchase.PaidWithVoucherCents, money, purchase.EligibleCents, earned, credited.OffsetCents,
            rules.Version, rate, credited.Lot?.AvailableAt, credited.Lot?.ExpiresAt, Balances.Of(account), purchase.CreatedAt);
    }

    /// <summary>
    /// What a purchase earns, as a pure function of the rules — the one earn computation, for both reward types: the share paid
    /// with money of the amount outside the excluded categories is eligible; the rate is the best boost of the local day (else
    /// the base rate: <see cref="ProgramRules.RateOn"/>); the minimum purchase and the cap per purchase apply.
    /// Cashback: eligible × bps / 10 000 in cents, one half-up rounding. Points: eligible × points per unit / 100 in whole
    /// points, rounded down (never a fraction of a point, never money). A tier's multiplier (10 000 = ×1) scales the rate:
    /// for cashback rounded half-up to a basis point; for points exactly, inside the one rounding down (1 point per R$ 1
    /// × 1,25 must earn 125 points on R$ 100, not 100). The returned rate is in the program's terms (bps or points per unit).
    /// (Also what bench/Smartbis.Bench.Micro measures.)
    /// </summary>
    public static (long EligibleCents, long EarnedCents, int RateBps) Earn(
        ProgramRules rules, long amountCents, long paidWithMoneyCents, IReadOnlyList<Line> lines, DateOnly localDate, int multiplierBps = 10_000)
    {
        long excludedCents = 0;
        foreach (var l in lines)
            if (IsExcluded(rules, l.Category)) excludedCents += l.AmountCents;
        var baseRate = rules.RateOn(localDate);
        var rate = multiplierBps == 10_000 ? baseRate : (int)Money.DivideHalfUp((Int128)baseRate * multiplierBps, 10_000);
        var earnBase = (Int128)(amountCents - excludedCents) * paidWithMoneyCents;
        var eligible = Money.DivideHalfUp(earnBase, amountCents);
        long earned;
        if (amountCents < rules.MinPurchaseCents) earned = 0;
        else if (rules.IsPoints) earned = (long)(earnBase * baseRate * multiplierBps / ((Int128)amountCents * 100 * 10_000)); // whole points, rounded down
        else earned = Money.DivideHalfUp(earnBase * rate, (Int128)amountCents * 10_000);
        if (rules.MaxEarnPerPurchaseCents is { } cap) earned = Math.Min(earned, cap);
        return (eligible, earned, rate);
    }

    /// <summary>The tier's multiplier combined with a campaign's boost for this customer at this moment (Features/Campaigns).</summary>
    internal sealed record StoreAndTenant(Store Store, Tenant Tenant);

    /// <summary>
    /// The store and its tenant's settings in one read, from the configuration cache (dropped on every node when the
    /// store or the tenant changes): read by every purchase, and by the velocity rules for the store's name. Only read.
    /// </summary>
    internal static ValueTask<StoreAndTenant?> StoreAsync(SmartbisDb db, Guid storeId, CancellationToken ct) =>
        db.CachedAsync(db.Tenant.Require(), "store:" + storeId, () => db.Stores.AsNoTracking().Where(s => s.Id == storeId)
            .Join(db.Tenants.AsNoTracking(), s => s.TenantId, t => t.Id, (s, t) => new StoreAndTenant(s, t))
            .SingleOrDefaultAsync(ct), keep: f => f is not null);

    private static async Task<int> CampaignMultiplierAsync(SmartbisDb db, Guid customerId, DateTimeOffset occurredAt, int tierBps, CancellationToken ct) =>
        Campaigns.CampaignBoost.Combine(tierBps, await Campaigns.CampaignBoost.MultiplierBpsAsync(db, customerId, occurredAt, ct));

    private static bool IsExcluded(ProgramRules rules, string category) =>
        rules.ExcludedCategories.Contains(category.Trim(), StringComparer.OrdinalIgnoreCase);

    internal static TimeZoneInfo Zone(string id) => Locales.Zone(id);

    private sealed record Found(Customer Customer, Account Account, bool Repeated);

    /// <summary>
    /// The customer (by id or phone) with their account row locked for the rest of the transaction (every balance change
    /// serializes on it: <see cref="Books.LockAsync"/>), and whether the receipt is already recorded in the store. Null when
    /// no such customer has an account.
    /// </summary>
    private static Task<Found?> FindAndLockAsync(SmartbisDb db, Request r, string? phone, string? receipt, CancellationToken ct) =>
        r.CustomerId is { } id ? MemberById(db, id, r.StoreId, receipt, ct) : MemberByPhone(db, phone!, r.StoreId, receipt, ct);

    // Compiled once: every purchase runs one of the two, and EF would otherwise rebuild, hash and look up the LINQ tree each
    // time (the tenant's query filter still applies: it reads the context's tenant). The tag is RowLocks.ForUpdate's: the
    // account's row only is locked (accounts AS a). Without a receipt the check is false without reading purchases.
    private static readonly Func<SmartbisDb, Guid, Guid, string?, CancellationToken, Task<Found?>> MemberById =
        EF.CompileAsyncQuery((SmartbisDb db, Guid id, Guid storeId, string? receipt, CancellationToken ct) => (
            from a in db.Accounts
            join c in db.Customers on a.CustomerId equals c.Id
            where a.CustomerId == id
            select new Found(c, a, receipt != null && db.Purchases.Any(p => p.StoreId == storeId && p.ReceiptNumber == receipt)))
            .TagWith(RowLocks.Tag + " of a").SingleOrDefault());

    private static readonly Func<SmartbisDb, string, Guid, string?, CancellationToken, Task<Found?>> MemberByPhone =
        EF.CompileAsyncQuery((SmartbisDb db, string phone, Guid storeId, string? receipt, CancellationToken ct) => (
            from a in db.Accounts
            join c in db.Customers on a.CustomerId equals c.Id
            where c.Phone == phone
            select new Found(c, a, receipt != null && db.Purchases.Any(p => p.StoreId == storeId && p.ReceiptNumber == receipt)))
            .TagWith(RowLocks.Tag + " of a").SingleOrDefault());

    /// <summary>A receipt number is recorded once per store: a repeat is refused with the first purchase's details.</summary>
    private static async Task RefuseRepeatedReceiptAsync(SmartbisDb db, Guid storeId, string? receipt, Func<long, Amount> amountOf, CancellationToken ct)
    {
        if (receipt is null) return;
        var first = await db.Purchases.Where(p => p.StoreId == storeId && p.ReceiptNumber == receipt)
            .Select(p => new { p.Id, p.CreatedAt, p.AmountCents }).FirstOrDefaultAsync(ct);
        if (first is null) return;
        throw new OperationFailed("duplicate_receipt",
            new Dictionary<string, ErrorText[]>
            {
                ["receiptNumber"] = [ErrorText.Of("duplicate_receipt", new
                {
                    receipt, recordedAt = first.CreatedAt, amount = amountOf(first.AmountCents),
                    purchaseId = first.Id,
                })],
            }, 409, new Dictionary<string, Guid> { ["existingPurchaseId"] = first.Id });
    }

    /// <summary>By id, or by phone: a phone nobody has yet becomes an unclaimed walk-in who earns until they join.</summary>
    private static async Task<Customer> FindCustomerAsync(SmartbisDb db, Request r, string? phone, DateTimeOffset now, CancellationToken ct)
    {
        if (r.CustomerId is { } id)
            return await db.Customers.SingleOrDefaultAsync(c => c.Id == id, ct)
                   ?? throw new OperationFailed("not_found", "customer_not_found", "customerId", 404);
        var existing = await db.Customers.SingleOrDefaultAsync(c => c.Phone == phone, ct);
        if (existing is not null) return existing;
        var walkIn = EnrollCustomer.NewCustomer(now);
        walkIn.Phone = phone;
        db.Customers.Add(walkIn);
        db.Accounts.Add(new Account { CustomerId = walkIn.Id, UpdatedAt = now });
        await db.SaveChangesAsync(ct); // a concurrent walk-in with the same phone loses on the unique index and the unit retries
        return walkIn;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;

    /// <summary>occurredAt may be at most the tenant's backdating window in the past (CounterSettings, default 72 hours).</summary>
    private static async Task CheckBackdatingWindowAsync(SmartbisDb db, DateTimeOffset occurredAt, DateTimeOffset now, CancellationToken ct)
    {
        var hours = await db.CounterSettings.Select(c => (int?)c.BackdatingWindowHours).SingleOrDefaultAsync(ct)
                    ?? CounterSettings.DefaultBackdatingWindowHours;
        if (occurredAt < now.AddHours(-hours))
            throw new OperationFailed("occurred_at_too_old", "occurred_at_too_old", "occurredAt", values: new { hours, occurredAt });
    }

    private static string? Validate(Request r)
    {
        var v = new Validation();
        Idempotency.ValidateKey(r.IdempotencyKey, v);
        v.Check(r.AmountCents > 0, "amountCents", "purchase_amount_required");
        v.Check(r.AmountCents <= 10_000_000_00, "amountCents", "purchase_too_large");
        v.Check(r.PayWithCashbackCents >= 0, "payWithCashbackCents", "cashback_negative");
        v.Check(r.PayWithCashbackCents <= r.AmountCents, "payWithCashbackCents", "cashback_over_amount");
        v.Check(r.ReceiptNumber is null || r.ReceiptNumber.Trim().Length <= 60, "receiptNumber", "receipt_too_long");
        var phone = Phones.ToE164(r.Phone);
        v.Check(r.CustomerId is not null || phone is not null, "phone", "customer_or_phone_required");
        if (r.Lines is { Count: > 0 } lines)
        {
            v.Check(lines.Count <= MaxLines, "lines", "lines_too_many", new { maximum = MaxLines });
            v.Check(lines.All(l => l.AmountCents >= 0), "lines", "line_negative");
            v.Check(lines.All(l => !string.IsNullOrWhiteSpace(l.Category) && l.Category.Length <= 60), "lines", "line_category_required");
            // Summed in 128 bits: lines near long.MaxValue must be refused, not overflow (or wrap) into a match.
            var sum = Int128.Zero;
            foreach (var l in lines) sum += l.AmountCents;
            v.Check(sum == r.AmountCents, "lines", "lines_sum");
        }
        v.ThrowIfInvalid();
        return phone;
    }
}
