using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Counter;

/// <summary>
/// A refund from the counter: cashiers only for their own store's purchases of the same (local) day, managers and
/// owners any; then the Ledger's refund, the audit entry and the refund-rate rule — one transaction under the form's
/// idempotency key (a replay returns the first result and writes nothing).
/// </summary>
public sealed class RefundAtCounter(LedgerUnit unit, TenantContext tenant, TimeProvider clock)
{
    public sealed record Request(Guid PurchaseId, long AmountCents, string Reason, string IdempotencyKey);

    public sealed record Visible(Guid Id, Guid StoreId, Guid CustomerId, DateTimeOffset OccurredAt, bool Refundable);

    /// <summary>
    /// The purchase as this staff member may see it from the counter: another store's purchase is not found (null) for a
    /// cashier; Refundable says whether they may refund it now.
    /// </summary>
    public static async Task<Visible?> FindAsync(SmartbisDb db, CurrentStaff staff, Guid? storeId, Guid purchaseId, DateTimeOffset now, CancellationToken ct = default)
    {
        var p = await db.Purchases.Where(x => x.Id == purchaseId)
            .Select(x => new { x.Id, x.StoreId, x.CustomerId, x.OccurredAt, x.CreatedAt }).SingleOrDefaultAsync(ct);
        if (p is null) return null;
        if (staff.IsManager) return new Visible(p.Id, p.StoreId, p.CustomerId, p.OccurredAt, true);
        if (p.StoreId != storeId) return null;
        var zone = await db.Tenants.Where(t => t.Id == db.Tenant.Require()).Select(t => t.TimeZone).SingleAsync(ct);
        return new Visible(p.Id, p.StoreId, p.CustomerId, p.OccurredAt, LocalDay(p.CreatedAt, zone) == LocalDay(now, zone));
    }

    public static DateOnly LocalDay(DateTimeOffset at, string zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Locales.Zone(zone)).DateTime);

    public async Task<RefundPurchase.Result> ExecuteAsync(Request r, CurrentStaff staff, Guid? storeId, AuditActor actor, CancellationToken ct = default)
    {
        var refund = new RefundPurchase.Request(r.PurchaseId, r.AmountCents, r.Reason, r.IdempotencyKey, actor.UserId, Source: "counter");
        var done = await unit.RunOnceAsync(tenant.Require(), RefundPurchase.Write(refund), clock, async (db, now) =>
        {
            var visible = await FindAsync(db, staff, storeId, r.PurchaseId, now, ct)
                          ?? throw new OperationFailed("not_found", "purchase_not_found", "purchaseId", 404);
            if (!visible.Refundable)
                throw new OperationFailed("refund_not_allowed", "refund_not_allowed", "", 403);
            var v = await RefundPurchase.RefundInUnitAsync(db, now, refund, ct);
            RecordAudit.Add(db, actor with { StoreId = visible.StoreId }, now, "purchase.refunded",
                $"Refund of {Money.Format(v.AmountCents)} ({r.Reason.Trim()}): cashback reversed {Money.Format(v.ReversedEarnCents)}, returned {Money.Format(v.ReturnedCreditCents)}",
                "purchase", r.PurchaseId, after: new { v.RefundId, v.AmountCents, v.ReversedEarnCents, v.ReturnedCreditCents, v.ClawbackCents, reason = r.Reason.Trim() }, values: new { amount = v.AmountCents, reason = r.Reason.Trim(), reversed = v.ReversedEarnCents, returned = v.ReturnedCreditCents });
            await DetectAnomalies.AfterRefundAsync(db, await SaveCounterSettings.LoadAsync(db, ct), actor.UserId, visible.StoreId, now, ct);
            return v;
        }, ct);
        return done.Value;
    }
}
