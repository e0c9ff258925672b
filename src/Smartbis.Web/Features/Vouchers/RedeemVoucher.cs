using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Vouchers;

/// <summary>
/// Redeems a voucher once, on its own (an e-commerce order, the API). At the counter a voucher usually pays
/// part of a purchase through RecordPurchase, which uses the same <see cref="Apply"/>.
/// </summary>
public sealed class RedeemVoucher(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    /// <param name="Source">Who chose the idempotency key ("api", "app"): its namespace.</param>
    public sealed record Request(string Code, Guid? CustomerId, string IdempotencyKey, string? Reference = null, string Source = "app");
    public sealed record Result(Guid VoucherId, Guid CustomerId, string Code, long ValueCents, DateTimeOffset RedeemedAt, Balances Balances);

    public Task<Idempotent<Result>> ExecuteAsync(Request request, CancellationToken ct = default)
    {
        var v = new Validation();
        Idempotency.ValidateKey(request.IdempotencyKey, v);
        v.Check(!string.IsNullOrWhiteSpace(request.Code), "code", "voucher_code_required");
        v.ThrowIfInvalid();
        var write = new IdempotentWrite(request.Source, request.IdempotencyKey, "redeem_voucher", Idempotency.Hash(request with { IdempotencyKey = "" }));
        return unit.RunOnceAsync(tenant.Require(), write, clock, async (db, now) =>
        {
            var books = new Books(db, now);
            // Account first, then voucher: the same lock order as RecordPurchase, so the two never deadlock.
            var code = Codes.Normalize(request.Code);
            var owner = await db.Vouchers.Where(x => x.Code == code).Select(x => (Guid?)x.CustomerId).SingleOrDefaultAsync(ct)
                        ?? throw new OperationFailed("voucher_not_found", "voucher_not_found", "code", 404);
            var account = await books.LockAsync(owner, ct);
            var voucher = await FindUsableAsync(db, request.Code, request.CustomerId, now, ct);
            // A purchase named as the one the voucher paid for must be this customer's purchase in this tenant.
            Guid? purchaseId = null;
            if (Guid.TryParse(request.Reference, out var named))
                purchaseId = await db.Purchases.Where(p => p.Id == named && p.CustomerId == voucher.CustomerId).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(ct)
                             ?? throw new OperationFailed("purchase_not_found", "voucher_purchase_not_found", "purchaseId", 404);
            Apply(books, account, voucher, purchaseId);
            return new Result(voucher.Id, voucher.CustomerId, Codes.Display(voucher.Code), voucher.ValueCents, now, Balances.Of(account));
        }, ct);
    }

    /// <summary>
    /// The voucher by code, locked, checked usable: issued, not expired, and (when a customer is named) theirs.
    /// The row lock makes a second concurrent redemption wait and then see it redeemed.
    /// </summary>
    public static async Task<Voucher> FindUsableAsync(SmartbisDb db, string typedCode, Guid? customerId, DateTimeOffset now, CancellationToken ct)
    {
        var code = Codes.Normalize(typedCode);
        var voucher = await db.Vouchers.Where(v => v.Code == code).ForUpdate().SingleOrDefaultAsync(ct)
                      ?? throw new OperationFailed("voucher_not_found", "voucher_not_found", "voucherCode", 404);
        if (customerId is { } c && voucher.CustomerId != c)
            throw new OperationFailed("voucher_other_customer", "voucher_other_customer", "voucherCode");
        if (voucher.Status == VoucherStatus.Redeemed)
            throw new OperationFailed("voucher_used", "voucher_used", "voucherCode", values: new { usedAt = voucher.RedeemedAt });
        if (voucher.Status == VoucherStatus.Cancelled)
            throw new OperationFailed("voucher_cancelled", "voucher_cancelled", "voucherCode");
        if (voucher.Status == VoucherStatus.Expired || voucher.ExpiresAt <= now)
            throw new OperationFailed("voucher_expired", "voucher_expired", "voucherCode", values: new { expiredOn = new OnDay(voucher.ExpiresAt) });
        return voucher;
    }

    /// <summary>Marks the voucher redeemed and moves its value out of the customer's voucher bucket. The account must be locked.</summary>
    public static void Apply(Books books, Account account, Voucher voucher, Guid? purchaseId)
    {
        voucher.Status = VoucherStatus.Redeemed;
        voucher.RedeemedAt = books.Now;
        voucher.RedeemedPurchaseId = purchaseId;
        books.Post(account, EntryKind.VoucherRedeem, $"Voucher {Codes.Display(voucher.Code)} used", voucher: -voucher.ValueCents,
            purchaseId: purchaseId, voucherId: voucher.Id, text: EntryText.VoucherRedeem(voucher.Code));
        books.Emit(Events.VoucherRedeemed, voucher.CustomerId, voucher.Id, new { voucherId = voucher.Id, valueCents = voucher.ValueCents, purchaseId });
    }
}
