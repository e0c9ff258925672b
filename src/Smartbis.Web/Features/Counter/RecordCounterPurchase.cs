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
/// A purchase at the counter: the staff-fraud gate (a large redemption needs the customer's one-time code or a
/// manager's PIN), then the Ledger's RecordPurchase (exactly once per form, by its idempotency key), then the
/// audit entry and the velocity rules. A replay of the same form skips the gate and records nothing new.
/// </summary>
public sealed class RecordCounterPurchase(SmartbisDb db, RecordPurchase record, TimeProvider clock, IPasswordHasher<AppUser> hasher)
{
    public sealed record Request(
        Guid StoreId, Guid? CustomerId, string? Phone, long AmountCents, string? ReceiptNumber, string IdempotencyKey,
        long PayWithCashbackCents = 0, string? VoucherCode = null, long ExcludedCents = 0, string? ExcludedCategory = null,
        string? OneTimeCode = null, string? ManagerPin = null);

    public sealed record Result(RecordPurchase.Result Purchase, bool Replayed, string? AuthorizedBy);

    public const int MaxCodeAttempts = 5;
    public const int MaxPinFailuresPer15Minutes = 5;

    public async Task<Result> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var settings = await SaveCounterSettings.LoadAsync(db, ct);
        var done = !string.IsNullOrWhiteSpace(r.IdempotencyKey)
                   && await db.IdempotencyRecords.AnyAsync(k => k.Key == r.IdempotencyKey && k.StatusCode != 0, ct);

        Guid? consumedCode = null;
        string? authorizedBy = null;
        if (!done && settings.LargeRedemptionCents > 0)
        {
            var redemption = r.PayWithCashbackCents + await VoucherValueAsync(r.VoucherCode, ct);
            if (redemption > settings.LargeRedemptionCents)
            {
                var customerId = r.CustomerId ?? await db.Customers.Where(c => c.Phone == Phones.ToE164(r.Phone)).Select(c => (Guid?)c.Id).SingleOrDefaultAsync(ct);
                if (!string.IsNullOrWhiteSpace(r.ManagerPin))
                    authorizedBy = "pin:" + await VerifyPinAsync(r.ManagerPin.Trim(), actor, now, ct);
                else if (!string.IsNullOrWhiteSpace(r.OneTimeCode) && customerId is { } cid)
                {
                    consumedCode = await ConsumeCodeAsync(cid, r.OneTimeCode.Trim(), redemption, r.IdempotencyKey, now, ct);
                    authorizedBy = "code";
                }
                else
                    throw new OperationFailed("authorization_required", new Dictionary<string, string[]>
                    {
                        ["authorization"] = [$"Using {Money.Format(redemption)} needs the customer's one-time code or a manager's PIN (above {Money.Format(settings.LargeRedemptionCents)})."],
                        ["redemptionCents"] = [redemption.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                    });
            }
        }

        Idempotent<RecordPurchase.Result> recorded;
        try
        {
            var lines = r.ExcludedCents > 0 && r.ExcludedCategory is { } cat
                ? new List<RecordPurchase.Line> { new(cat, r.ExcludedCents), new("general", r.AmountCents - r.ExcludedCents) }
                : null;
            if (r.ExcludedCents > r.AmountCents)
                throw new OperationFailed("validation", "The excluded part cannot be more than the purchase.", "excludedAmount");
            recorded = await record.ExecuteAsync(new RecordPurchase.Request(
                r.StoreId, r.CustomerId, r.CustomerId is null ? r.Phone : null, r.AmountCents, r.ReceiptNumber, r.IdempotencyKey,
                PayWithCashbackCents: r.PayWithCashbackCents, VoucherCode: string.IsNullOrWhiteSpace(r.VoucherCode) ? null : r.VoucherCode,
                Lines: lines, CashierUserId: actor.UserId, Source: "counter"), ct);
        }
        catch (OperationFailed) when (consumedCode is { } id)
        {
            // Nothing was recorded: the customer's code stays usable for the corrected purchase.
            await db.RedemptionCodes.Where(c => c.Id == id && c.UsedForKey == r.IdempotencyKey)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, (DateTimeOffset?)null).SetProperty(c => c.UsedForKey, (string?)null), ct);
            throw;
        }

        var p = recorded.Value;
        if (!recorded.Replayed)
        {
            RecordAudit.Add(db, actor with { StoreId = r.StoreId }, now, "purchase.recorded",
                $"Purchase {p.ReceiptNumber ?? p.PurchaseId.ToString()} of {Money.Format(p.AmountCents)}: earned {Money.Format(p.EarnedCents)}" +
                (p.PaidWithCashbackCents + p.PaidWithVoucherCents > 0 ? $", paid {Money.Format(p.PaidWithCashbackCents + p.PaidWithVoucherCents)} with cashback/voucher" : "") +
                (authorizedBy is null ? "" : $" (authorized by {(authorizedBy == "code" ? "the customer's code" : "a manager's PIN")})"),
                "purchase", p.PurchaseId, after: new { p.AmountCents, p.PaidWithCashbackCents, p.PaidWithVoucherCents, p.EarnedCents, p.ReceiptNumber, p.CustomerId, authorizedBy });
            await DetectAnomalies.AfterPurchaseAsync(db, settings, p.PurchaseId, actor.UserId, now, ct);
            await SaveAsync(ct);
        }
        return new Result(p, recorded.Replayed, authorizedBy);
    }

    /// <summary>Saves audit and flags; a flag opened at the same moment by another request wins the unique index and ours is merged next time.</summary>
    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (LedgerUnit.IsRetryable(e))
        {
            foreach (var entry in db.ChangeTracker.Entries<AnomalyFlag>().ToList()) entry.State = EntityState.Detached;
            await db.SaveChangesAsync(ct);
        }
    }

    private async Task<long> VoucherValueAsync(string? typed, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(typed)) return 0;
        var code = Codes.Normalize(typed);
        return await db.Vouchers.Where(v => v.Code == code && v.Status == VoucherStatus.Issued).Select(v => v.ValueCents).FirstOrDefaultAsync(ct);
    }

    private async Task<Guid> ConsumeCodeAsync(Guid customerId, string typed, long redemption, string key, DateTimeOffset now, CancellationToken ct)
    {
        var candidates = await db.RedemptionCodes
            .Where(c => c.CustomerId == customerId && c.ExpiresAt > now && (c.UsedAt == null || c.UsedForKey == key) && c.FailedAttempts < MaxCodeAttempts)
            .OrderByDescending(c => c.CreatedAt).ToListAsync(ct);
        var hash = SendRedemptionCode.Hash(db.Tenant.Require(), customerId, typed);
        var match = candidates.FirstOrDefault(c => c.CodeHash == hash);
        if (match is null)
        {
            // Count the miss against the live codes, so guessing burns them.
            foreach (var c in candidates) c.FailedAttempts++;
            await db.SaveChangesAsync(ct);
            throw new OperationFailed("invalid_code", candidates.Count == 0
                ? "There is no valid code for this customer: send a new one."
                : "This code is not right. Check it with the customer.", "oneTimeCode");
        }
        if (match.MaxAmountCents < redemption)
            throw new OperationFailed("code_amount", $"This code authorizes up to {Money.Format(match.MaxAmountCents)}: send a new code for this amount.", "oneTimeCode");
        var claimed = await db.RedemptionCodes
            .Where(c => c.Id == match.Id && (c.UsedAt == null || c.UsedForKey == key))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now).SetProperty(c => c.UsedForKey, key), ct);
        if (claimed != 1) throw new OperationFailed("invalid_code", "This code was already used.", "oneTimeCode");
        return match.Id;
    }

    private async Task<string> VerifyPinAsync(string pin, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var failures = await db.Set<AuditEntry>().CountAsync(a => a.Action == "manager_pin.failed" && a.UserId == actor.UserId && a.At > now.AddMinutes(-15), ct);
        if (failures >= MaxPinFailuresPer15Minutes)
            throw new OperationFailed("pin_locked", "Too many wrong PINs: wait 15 minutes or use the customer's code.", "managerPin");
        var pins = await db.ManagerPins
            .Join(db.Memberships.Where(m => m.Role == StaffRole.Owner || m.Role == StaffRole.Manager), p => p.UserId, m => m.UserId, (p, m) => p)
            .ToListAsync(ct);
        var match = pins.FirstOrDefault(p => hasher.VerifyHashedPassword(new AppUser { Id = p.UserId }, p.PinHash, pin) != PasswordVerificationResult.Failed);
        if (match is null)
        {
            RecordAudit.Add(db, actor, now, "manager_pin.failed", "A wrong manager PIN was typed at the counter");
            await db.SaveChangesAsync(ct);
            throw new OperationFailed("invalid_pin", "This PIN is not a manager's PIN.", "managerPin");
        }
        return match.UserId;
    }
}
