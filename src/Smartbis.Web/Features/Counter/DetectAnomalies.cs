using System.Linq.Expressions;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Counter;

/// <summary>
/// The velocity rules, run after each counter purchase or refund. They add (or extend) flags on the caller's
/// DbContext; the caller saves them with its audit entry. Rules only look, never block: a manager decides.
/// </summary>
public static class DetectAnomalies
{
    /// <summary>One row of evidence: a purchase (earned, redeemed) or a refund (reason). What is the English line for logs and exports.</summary>
    public sealed record Evidence(Guid PurchaseId, DateTimeOffset At, string Store, long AmountCents, string? Receipt, string? Cashier, string What,
        long EarnedCents = 0, long RedeemedCents = 0, string? RefundReason = null, DateTimeOffset? OccurredAt = null);

    /// <summary>
    /// A burst of purchases for one customer, and a cashier earning on their own phone or email. Run on every counter
    /// purchase before it is saved: what the rules look at comes in one read (the purchases in the window counted in the
    /// database, this one added), and only a rule that raises a flag reads its evidence: the latest earlier purchases from
    /// the database, this one from memory (it is saved with the flag, in the unit's one batch).
    /// </summary>
    public static async Task AfterPurchaseAsync(SmartbisDb db, CounterSettings s, Purchases.RecordPurchase.Result p, Guid storeId, string? cashierUserId,
        DateTimeOffset now, CancellationToken ct)
    {
        var customerId = p.CustomerId;
        var since = now.AddMinutes(-s.BurstWindowMinutes);
        var seen = await SeenAsync(db, customerId, since, p.PurchaseId, cashierUserId, ct);
        var inWindow = seen.Others + 1;
        if (inWindow > s.BurstPurchases)
        {
            var earlier = new List<EvidenceRow>();
            await foreach (var row in LatestInWindow(db, customerId, since, p.PurchaseId).WithCancellation(ct)) earlier.Add(row);
            await RaiseAsync(db, AnomalyKind.Burst, $"customer:{customerId}", customerId, null, storeId,
                $"{inWindow} purchases for {Who(seen.Name, seen.Phone)} within {s.BurstWindowMinutes} minutes (limit {s.BurstPurchases})",
                await WithThisAsync(db, p, storeId, seen.Cashier?.Email, now, earlier, ct), now, ct);
        }

        if (s.FlagOwnAccount && cashierUserId is { } cashierId)
        {
            var cashier = seen.Cashier;
            var samePhone = seen.Phone is not null && Phones.ToE164(cashier?.PhoneNumber) == seen.Phone;
            var sameEmail = seen.Email is not null && string.Equals(cashier?.Email, seen.Email, StringComparison.OrdinalIgnoreCase);
            if (samePhone || sameEmail)
            {
                var earlier = await LatestOf(db, db.Purchases.Where(x => x.CustomerId == customerId && x.CashierUserId == cashierId && x.Id != p.PurchaseId)).ToListAsync(ct);
                var own = await WithThisAsync(db, p, storeId, cashier?.Email, now, earlier, ct);
                await RaiseAsync(db, AnomalyKind.OwnAccount, $"cashier:{cashierId}:customer:{customerId}", customerId, cashierId, storeId,
                    $"{cashier!.Email} recorded {own.Count} purchase(s) for their own {(samePhone ? "phone" : "email")} ({Who(seen.Name, seen.Phone)})",
                    own, now, ct);
            }
        }
    }

    private sealed record Seen(string Name, string? Phone, string? Email, int Others, CashierContact? Cashier);

    private sealed record CashierContact(string? Email, string? PhoneNumber);

    // Compiled once: it runs on every counter purchase, and EF would otherwise rebuild, hash and look up its LINQ tree
    // each time (the tenant's query filter still applies: it reads the context's tenant).
    private static readonly Func<SmartbisDb, Guid, DateTimeOffset, Guid, string?, CancellationToken, Task<Seen>> SeenAsync =
        EF.CompileAsyncQuery((SmartbisDb db, Guid customerId, DateTimeOffset since, Guid purchaseId, string? cashierId, CancellationToken ct) =>
            db.Customers.Where(c => c.Id == customerId).Select(c => new Seen(c.Name, c.Phone, c.Email,
                db.Purchases.Count(x => x.CustomerId == c.Id && x.CreatedAt >= since && x.Id != purchaseId),
                db.Users.Where(u => u.Id == cashierId).Select(u => new CashierContact(u.Email, u.PhoneNumber)).FirstOrDefault())).Single());

    /// <summary>How many purchases a flag's evidence keeps (the latest).</summary>
    private const int EvidenceKept = 50;

    private sealed record EvidenceRow(Guid Id, DateTimeOffset CreatedAt, string Store, long AmountCents, string? ReceiptNumber, string? Cashier,
        long EarnedCents, long RedeemedCents);

    // The latest earlier purchases with their store and cashier: the evidence of a flag, the purchase being recorded
    // added first. Written once; the burst rule's filter is compiled (a flagged customer's every purchase reads it).
    private static readonly Expression<Func<SmartbisDb, IQueryable<Purchases.Purchase>, IQueryable<EvidenceRow>>> Latest = (db, purchases) =>
        purchases.OrderByDescending(x => x.CreatedAt).Take(EvidenceKept - 1)
            .Select(x => new EvidenceRow(x.Id, x.CreatedAt, db.Stores.Where(st => st.Id == x.StoreId).Select(st => st.Name).First(), x.AmountCents,
                x.ReceiptNumber, db.Users.Where(u => u.Id == x.CashierUserId).Select(u => u.Email).FirstOrDefault(),
                x.EarnedCents, x.PaidWithCashbackCents + x.PaidWithVoucherCents));

    private static readonly Func<SmartbisDb, IQueryable<Purchases.Purchase>, IQueryable<EvidenceRow>> LatestOf = Latest.Compile();

    private static readonly Func<SmartbisDb, Guid, DateTimeOffset, Guid, IAsyncEnumerable<EvidenceRow>> LatestInWindow = EF.CompileAsyncQuery(
        Compiled.Bind<SmartbisDb, Guid, DateTimeOffset, Guid, Purchases.Purchase, EvidenceRow>(Latest,
            (db, customerId, since, except) => db.Purchases.Where(x => x.CustomerId == customerId && x.CreatedAt >= since && x.Id != except)));

    private static async Task<List<Evidence>> WithThisAsync(SmartbisDb db, Purchases.RecordPurchase.Result p, Guid storeId, string? cashier,
        DateTimeOffset now, List<EvidenceRow> earlier, CancellationToken ct)
    {
        var store = (await Purchases.RecordPurchase.StoreAsync(db, storeId, ct))?.Store.Name ?? "";
        var rows = earlier.Prepend(new EvidenceRow(p.PurchaseId, now, store, p.AmountCents, p.ReceiptNumber, cashier, p.EarnedCents,
            p.PaidWithCashbackCents + p.PaidWithVoucherCents));
        return rows.Select(x => new Evidence(x.Id, x.CreatedAt, x.Store, x.AmountCents, x.ReceiptNumber, x.Cashier,
            $"earned {Money.Format(x.EarnedCents)}" + (x.RedeemedCents > 0 ? $", redeemed {Money.Format(x.RedeemedCents)}" : ""),
            x.EarnedCents, x.RedeemedCents)).ToList();
    }

    /// <summary>
    /// A purchase recorded more than an hour after it happened (an offline till syncing late, or someone backdating): one
    /// open flag per store, whose evidence is the latest 50 such purchases (each with when it happened and when it was
    /// recorded). Added to the purchase's own change tracker, so it commits with the purchase.
    /// </summary>
    public static async Task BackdatedAsync(SmartbisDb db, Purchases.Purchase purchase, string storeName, DateTimeOffset now, CancellationToken ct)
    {
        var subject = $"store:{purchase.StoreId}";
        var flag = db.AnomalyFlags.Local.FirstOrDefault(f => f.Kind == AnomalyKind.Backdated && f.SubjectKey == subject && f.ReviewedAt is null)
                   ?? await db.AnomalyFlags.SingleOrDefaultAsync(f => f.Kind == AnomalyKind.Backdated && f.SubjectKey == subject && f.ReviewedAt == null, ct);
        var earlier = flag is null ? [] : flag.Evidence.Deserialize<List<Evidence>>(JsonSerializerOptions.Web) ?? [];
        var cashier = purchase.CashierUserId is null ? null
            : await db.Users.Where(u => u.Id == purchase.CashierUserId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        var late = now - purchase.OccurredAt;
        var evidence = new Evidence(purchase.Id, now, storeName, purchase.AmountCents, purchase.ReceiptNumber, cashier,
            $"happened {purchase.OccurredAt:yyyy-MM-dd HH:mm} UTC, recorded {late.TotalHours:0.#} h later", OccurredAt: purchase.OccurredAt);
        var list = new List<Evidence> { evidence };
        list.AddRange(earlier.Take(49));
        await RaiseAsync(db, AnomalyKind.Backdated, subject, null, null, purchase.StoreId,
            $"{list.Count} purchase(s) at {storeName} recorded more than {CounterSettings.BackdatedFlagAfter.TotalHours:0} h after they happened " +
            $"(latest: {late.TotalHours:0.#} h)", list, now, ct);
    }

    /// <summary>A cashier whose refunds are an unusual share of the purchases they recorded.</summary>
    public static async Task AfterRefundAsync(SmartbisDb db, CounterSettings s, string? userId, Guid storeId, DateTimeOffset now, CancellationToken ct)
    {
        if (userId is null) return;
        var since = now.AddDays(-s.RefundRateWindowDays);
        var purchases = await db.Purchases.CountAsync(x => x.CashierUserId == userId && x.CreatedAt >= since, ct);
        var refunds = await db.PurchaseRefunds.Where(r => r.UserId == userId && r.CreatedAt >= since).Select(r => r.PurchaseId).Distinct().CountAsync(ct);
        if (purchases < s.RefundRateMinPurchases || (long)refunds * 10_000 < (long)purchases * s.RefundRateBps) return;
        var evidence = await db.PurchaseRefunds.Where(r => r.UserId == userId && r.CreatedAt >= since)
            .OrderByDescending(r => r.CreatedAt).Take(50)
            .Join(db.Purchases, r => r.PurchaseId, x => x.Id, (r, x) => new { r, x })
            .Select(j => new
            {
                j.x.Id, j.r.CreatedAt, Store = db.Stores.Where(st => st.Id == j.x.StoreId).Select(st => st.Name).First(), j.r.AmountCents,
                j.x.ReceiptNumber, j.r.Reason,
            })
            .ToListAsync(ct);
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        await RaiseAsync(db, AnomalyKind.RefundRate, $"cashier:{userId}", null, userId, storeId,
            $"{email} refunded {refunds} of {purchases} purchases they recorded in {s.RefundRateWindowDays} days ({refunds * 100.0 / purchases:0.#}%, limit {s.RefundRateBps / 100.0:0.##}%)",
            evidence.Select(e => new Evidence(e.Id, e.CreatedAt, e.Store, e.AmountCents, e.ReceiptNumber, email, "refund: " + e.Reason, RefundReason: e.Reason)).ToList(), now, ct);
    }

    private static string Who(string name, string? phone) => string.IsNullOrEmpty(name) ? phone ?? "a walk-in" : name;

    // Compiled once: a flagged customer's every purchase looks its open flag up.
    private static readonly Func<SmartbisDb, AnomalyKind, string, CancellationToken, Task<AnomalyFlag?>> OpenFlagAsync =
        EF.CompileAsyncQuery((SmartbisDb db, AnomalyKind kind, string subject, CancellationToken ct) =>
            db.AnomalyFlags.SingleOrDefault(f => f.Kind == kind && f.SubjectKey == subject && f.ReviewedAt == null));

    private static async Task RaiseAsync(SmartbisDb db, AnomalyKind kind, string subject, Guid? customerId, string? cashierUserId, Guid? storeId,
        string summary, List<Evidence> evidence, DateTimeOffset now, CancellationToken ct)
    {
        var flag = db.AnomalyFlags.Local.FirstOrDefault(f => f.Kind == kind && f.SubjectKey == subject && f.ReviewedAt is null)
                   ?? await OpenFlagAsync(db, kind, subject, ct);
        if (flag is null)
        {
            flag = new AnomalyFlag { Kind = kind, SubjectKey = subject, CreatedAt = now, Occurrences = 0 };
            db.AnomalyFlags.Add(flag);
        }
        flag.CustomerId = customerId;
        flag.CashierUserId = cashierUserId;
        flag.StoreId = storeId;
        flag.Summary = summary.Length <= 500 ? summary : summary[..500];
        flag.Evidence = JsonSerializer.SerializeToDocument(evidence, JsonSerializerOptions.Web);
        flag.Occurrences += 1;
        flag.LastSeenAt = now;
    }
}
