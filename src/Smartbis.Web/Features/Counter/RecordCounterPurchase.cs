using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Counter;

/// <summary>
/// A purchase at the counter, as one transaction under the form's idempotency key: the staff-fraud gate (a large
/// redemption needs the customer's one-time code or a manager's PIN), the Ledger's purchase, the code marked used,
/// the audit entry and the velocity rules commit together or not at all. A replay of the same form returns the first
/// result and skips everything. A wrong code or PIN is counted against its limit (committed on its own, nothing else).
/// </summary>
public sealed class RecordCounterPurchase(LedgerUnit unit, TenantContext tenant, TimeProvider clock, IPasswordHasher<AppUser> hasher)
{
    public sealed record Request(
        Guid StoreId, Guid? CustomerId, string? Phone, long AmountCents, string? ReceiptNumber, string IdempotencyKey,
        long PayWithCashbackCents = 0, string? VoucherCode = null, long ExcludedCents = 0, string? ExcludedCategory = null,
        string? OneTimeCode = null, string? ManagerPin = null);

    public sealed record Result(RecordPurchase.Result Purchase, bool Replayed, string? AuthorizedBy);

    /// <summary>What is stored under the form's key.</summary>
    public sealed record Recorded(RecordPurchase.Result Purchase, string? AuthorizedBy);

    public const string Operation = "counter_purchase";
    /// <summary>Wrong guesses a customer's redemption code survives; then it is burned (send a new one).</summary>
    public const int MaxCodeAttempts = 5;
    /// <summary>Wrong manager PINs one staff member may type in <see cref="PinWindow"/>.</summary>
    public const int MaxPinFailuresPer15Minutes = 5;
    public static readonly TimeSpan PinWindow = TimeSpan.FromMinutes(15);

    public async Task<Result> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        if (r.ExcludedCents > r.AmountCents)
            throw new OperationFailed("validation", "excluded_over_amount", "excludedAmount");
        var lines = r.ExcludedCents > 0 && r.ExcludedCategory is { } cat
            ? new List<RecordPurchase.Line> { new(cat, r.ExcludedCents), new("general", r.AmountCents - r.ExcludedCents) }
            : null;
        var purchase = new RecordPurchase.Request(
            r.StoreId, r.CustomerId, r.CustomerId is null ? r.Phone : null, r.AmountCents, r.ReceiptNumber, r.IdempotencyKey,
            PayWithCashbackCents: r.PayWithCashbackCents, VoucherCode: string.IsNullOrWhiteSpace(r.VoucherCode) ? null : r.VoucherCode,
            Lines: lines, CashierUserId: actor.UserId, Source: "counter");
        // The gate's inputs (code, PIN) are not part of the request: a resubmission with the code typed is the same purchase.
        var write = RecordPurchase.Write(purchase) with { Operation = Operation };
        var done = await unit.RunOnceAsync(tenant.Require(), write, clock, async (db, now) =>
        {
            var settings = await SaveCounterSettings.LoadAsync(db, ct);
            var authorizedBy = await AuthorizeAsync(db, r, actor, settings, now, ct);
            var p = await RecordPurchase.RecordInUnitAsync(db, now, purchase, ct);
            RecordAudit.Add(db, actor with { StoreId = r.StoreId }, now, "purchase.recorded",
                $"Purchase {p.ReceiptNumber ?? p.PurchaseId.ToString()} of {Money.Format(p.AmountCents)}: earned {Money.Format(p.EarnedCents)}" +
                (p.PaidWithCashbackCents + p.PaidWithVoucherCents > 0 ? $", paid {Money.Format(p.PaidWithCashbackCents + p.PaidWithVoucherCents)} with cashback/voucher" : "") +
                (authorizedBy is null ? "" : $" (authorized by {(authorizedBy == "code" ? "the customer's code" : "a manager's PIN")})"),
                "purchase", p.PurchaseId, after: new { p.AmountCents, p.PaidWithCashbackCents, p.PaidWithVoucherCents, p.EarnedCents, p.ReceiptNumber, p.CustomerId, authorizedBy }, values: new { receipt = p.ReceiptNumber ?? "", amount = p.AmountCents, earned = p.EarnedCents, paid = p.PaidWithCashbackCents + p.PaidWithVoucherCents });
            // The velocity rules count the purchase without saving it first: the unit saves everything in one batch.
            await DetectAnomalies.AfterPurchaseAsync(db, settings, p, r.StoreId, actor.UserId, now, ct);
            return new Recorded(p, authorizedBy);
        }, ct);
        return new Result(done.Value.Purchase, done.Replayed, done.Value.AuthorizedBy);
    }

    /// <summary>The fraud gate: null when no authorization is needed, "code" or "pin:&lt;manager&gt;" when given and right.</summary>
    private async Task<string?> AuthorizeAsync(SmartbisDb db, Request r, AuditActor actor, CounterSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        if (settings.LargeRedemptionCents <= 0) return null;
        var redemption = r.PayWithCashbackCents + await VoucherValueAsync(db, r.VoucherCode, ct);
        if (redemption <= settings.LargeRedemptionCents) return null;
        var customerId = r.CustomerId ?? await db.Customers.Where(c => c.Phone == Phones.ToE164(r.Phone)).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
        if (!string.IsNullOrWhiteSpace(r.ManagerPin))
            return "pin:" + await VerifyPinAsync(db, r.ManagerPin.Trim(), actor, now, ct);
        if (!string.IsNullOrWhiteSpace(r.OneTimeCode) && customerId is { } cid)
        {
            await ConsumeCodeAsync(db, cid, r.OneTimeCode.Trim(), redemption, r.IdempotencyKey, now, ct);
            return "code";
        }
        var money = await TenantMoneyAsync(db, ct);
        throw new OperationFailed("authorization_required", "authorization_required", "authorization",
            values: new { redemption = money(redemption), threshold = money(settings.LargeRedemptionCents) });
    }

    /// <summary>Amounts in the tenant's currency and locale, for the values of a refusal.</summary>
    private static async Task<Func<long, Amount>> TenantMoneyAsync(SmartbisDb db, CancellationToken ct)
    {
        var tenantId = db.Tenant.Require();
        var t = await db.Tenants.Where(x => x.Id == tenantId).Select(x => new { x.CurrencyCode, x.Locale }).SingleAsync(ct);
        return cents => new Amount(cents, t.CurrencyCode, t.Locale);
    }

    private static async Task<long> VoucherValueAsync(SmartbisDb db, string? typed, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(typed)) return 0;
        var code = Codes.Normalize(typed);
        return await db.Vouchers.Where(v => v.Code == code && v.Status == VoucherStatus.Issued).Select(v => v.ValueCents).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Checks the customer's one-time code under the customer's account lock (the lock the purchase takes next), so
    /// parallel attempts take turns: a miss adds one to every live code's attempts in the database and is committed
    /// on its own; a code with <see cref="MaxCodeAttempts"/> misses is burned. A right code is marked used in the
    /// purchase's transaction: it authorizes this purchase once, or nothing if the purchase is refused.
    /// </summary>
    private static async Task ConsumeCodeAsync(SmartbisDb db, Guid customerId, string typed, long redemption, string key, DateTimeOffset now, CancellationToken ct)
    {
        await new Books(db, now).LockAsync(customerId, ct);
        var live = db.RedemptionCodes.Where(c => c.CustomerId == customerId && c.ExpiresAt > now && c.UsedAt == null && c.FailedAttempts < MaxCodeAttempts);
        var candidates = await live.AsNoTracking().OrderByDescending(c => c.CreatedAt).Select(c => new { c.Id, c.CodeHash, c.MaxAmountCents }).ToListAsync(ct);
        var hash = SendRedemptionCode.Hash(db.Tenant.Require(), customerId, typed);
        var match = candidates.FirstOrDefault(c => System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            Convert.FromHexString(c.CodeHash), Convert.FromHexString(hash)));
        if (match is null)
        {
            // Count the miss against the live codes, so guessing burns them.
            if (candidates.Count > 0) await live.ExecuteUpdateAsync(u => u.SetProperty(c => c.FailedAttempts, c => c.FailedAttempts + 1), ct);
            throw new OperationFailed("invalid_code", candidates.Count == 0
                ? "no_valid_code"
                : "counter_wrong_code", "oneTimeCode")
            { CommitsAttempt = true };
        }
        if (match.MaxAmountCents < redemption)
            throw new OperationFailed("code_amount", "code_amount", "oneTimeCode", values: new { maximum = (await TenantMoneyAsync(db, ct))(match.MaxAmountCents) });
        await db.RedemptionCodes.Where(c => c.Id == match.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now).SetProperty(c => c.UsedForKey, key), ct);
    }

    /// <summary>
    /// A manager's PIN, at most <see cref="MaxPinFailuresPer15Minutes"/> wrong ones per staff member in 15 minutes: counted
    /// under the staff member's membership row lock, so parallel attempts (on any node) take turns; a wrong PIN is an
    /// audit entry committed on its own.
    /// </summary>
    private async Task<string> VerifyPinAsync(SmartbisDb db, string pin, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var tenantId = db.Tenant.Require();
        var userId = actor.UserId ?? throw new OperationFailed("invalid_pin", "invalid_pin", "managerPin");
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM memberships WHERE tenant_id = {tenantId} AND user_id = {userId} FOR UPDATE", ct);
        var since = now - PinWindow;
        var failures = await db.Set<AuditEntry>().CountAsync(a => a.Action == "manager_pin.failed" && a.UserId == userId && a.At > since, ct);
        if (failures >= MaxPinFailuresPer15Minutes)
            throw new OperationFailed("pin_locked", "pin_locked", "managerPin");
        var pins = await db.ManagerPins
            .Join(db.Memberships.Where(m => m.Role == StaffRole.Owner || m.Role == StaffRole.Manager), p => p.UserId, m => m.UserId, (p, m) => p)
            .AsNoTracking().ToListAsync(ct);
        var match = pins.FirstOrDefault(p => hasher.VerifyHashedPassword(new AppUser { Id = p.UserId }, p.PinHash, pin) != PasswordVerificationResult.Failed);
        if (match is null)
        {
            RecordAudit.Add(db, actor, now, "manager_pin.failed", "A wrong manager PIN was typed at the counter");
            throw new OperationFailed("invalid_pin", "invalid_pin", "managerPin") { CommitsAttempt = true };
        }
        return match.UserId;
    }
}
