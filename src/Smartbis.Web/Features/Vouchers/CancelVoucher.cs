using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Vouchers;

/// <summary>
/// Cancels an issued voucher (issued by mistake, customer request). Its value goes back to the customer's
/// available balance as a new credit, expiring by the current rules: cancelling never takes money away.
/// </summary>
public sealed class CancelVoucher(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public Task<Balances> ExecuteAsync(Guid voucherId, string reason, string? userId, CancellationToken ct = default)
    {
        new Validation().Check(!string.IsNullOrWhiteSpace(reason), "reason", "cancel_reason_required").ThrowIfInvalid();
        return unit.RecordAsync(tenant.Require(), async db =>
        {
            var now = clock.GetUtcNow();
            var books = new Books(db, now);
            var customerId = await db.Vouchers.Where(v => v.Id == voucherId).Select(v => (Guid?)v.CustomerId).SingleOrDefaultAsync(ct)
                             ?? throw new OperationFailed("not_found", "voucher_id_not_found", "voucherId", 404);
            var account = await books.LockAsync(customerId, ct);
            var voucher = await db.Vouchers.SingleAsync(v => v.Id == voucherId, ct); // read after the lock: the current status
            if (voucher.Status != VoucherStatus.Issued)
                throw new OperationFailed("voucher_not_issued", voucher.Status switch
                {
                    VoucherStatus.Redeemed => "cancel_voucher_redeemed",
                    VoucherStatus.Cancelled => "cancel_voucher_cancelled",
                    _ => "cancel_voucher_expired",
                }, "voucherId", values: new { expiredOn = new OnDay(voucher.ExpiresAt) });
            if (voucher.ExpiresAt <= now) // expired, whether or not the expiry job has marked it yet: its value is gone
                throw new OperationFailed("voucher_not_issued", "cancel_voucher_expired", "voucherId", values: new { expiredOn = new OnDay(voucher.ExpiresAt) });
            var rules = await RulesInForce.AtAsync(db, now, ct);
            voucher.Status = VoucherStatus.Cancelled;
            voucher.CancelledAt = now;
            voucher.CancelReason = reason.Trim();
            books.Post(account, EntryKind.VoucherCancel, $"Voucher {Codes.Display(voucher.Code)} cancelled: {reason.Trim()}",
                voucher: -voucher.ValueCents, voucherId: voucher.Id, authorUserId: userId,
                text: EntryText.VoucherCancel(voucher.Code, reason.Trim()));
            books.Credit(account, EntryKind.VoucherCancel, voucher.ValueCents, $"Value of cancelled voucher {Codes.Display(voucher.Code)} returned",
                now, rules.ExpiryDays, ruleVersion: rules.Version, authorUserId: userId, text: EntryText.VoucherCancelReturn(voucher.Code));
            books.Emit(Events.VoucherCancelled, customerId, voucher.Id, new { voucherId = voucher.Id, valueCents = voucher.ValueCents, reason });
            await db.SaveChangesAsync(ct);
            return Balances.Of(account);
        }, ct);
    }
}
