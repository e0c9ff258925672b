using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.Counter;

/// <summary>
/// The confirmation of a purchase (the GET after the POST): what paid, what was earned and when it is available,
/// the balances now and a receipt line to print or copy. Refreshing it records nothing.
/// </summary>
public sealed class ReceiptModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<CounterText> l)
    : CounterPage(db, staff, clock, l)
{
    public sealed record View(
        Guid Id, Guid StoreId, string StoreName, Guid CustomerId, string CustomerName, string? Phone, bool Claimed, string? Receipt,
        DateTimeOffset At, long AmountCents, long PaidWithCashbackCents, long PaidWithVoucherCents, string? VoucherCode, long EarnedCents,
        long EligibleCents, int RateBps, long RefundedCents, string? Cashier);

    [BindProperty(SupportsGet = true)] public bool Replayed { get; set; }
    public View P { get; private set; } = null!;
    public DateTimeOffset? AvailableAt { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }
    public Balances Balances { get; private set; } = new(0, 0, 0, 0);
    public string ReceiptLine { get; private set; } = "";
    public bool CanRefund { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        await LoadStoreAsync();
        var visible = await RefundAtCounter.FindAsync(Db, Staff, Store?.Id, id, Clock.GetUtcNow());
        if (visible is null) return NotFound();
        CanRefund = visible.Refundable;
        P = await Db.Purchases.Where(p => p.Id == id).Select(p => new View(
                p.Id, p.StoreId, Db.Stores.Where(s => s.Id == p.StoreId).Select(s => s.Name).First(), p.CustomerId,
                Db.Customers.Where(c => c.Id == p.CustomerId).Select(c => c.Name).First(),
                Db.Customers.Where(c => c.Id == p.CustomerId).Select(c => c.Phone).First(),
                Db.Customers.Where(c => c.Id == p.CustomerId).Select(c => c.JoinedAt != null).First(),
                p.ReceiptNumber, p.CreatedAt, p.AmountCents, p.PaidWithCashbackCents, p.PaidWithVoucherCents,
                Db.Vouchers.Where(v => v.Id == p.VoucherId).Select(v => v.Code).FirstOrDefault(), p.EarnedCents, p.EligibleCents, p.RateBps,
                p.RefundedCents, Db.Users.Where(u => u.Id == p.CashierUserId).Select(u => u.Email).FirstOrDefault()))
            .SingleAsync();
        var lot = await Db.CreditLots.Where(l => l.PurchaseId == id && l.Kind == EntryKind.Earn)
            .Select(l => new { l.AvailableAt, l.ExpiresAt }).FirstOrDefaultAsync();
        AvailableAt = lot?.AvailableAt;
        ExpiresAt = lot?.ExpiresAt;
        var account = await Db.Accounts.AsNoTracking().SingleAsync(a => a.CustomerId == P.CustomerId);
        Balances = Balances.Of(account);
        var pending = AvailableAt is { } at && at > Clock.GetUtcNow();
        var redeemed = P.PaidWithCashbackCents + P.PaidWithVoucherCents;
        ReceiptLine = string.Join(" ", new[]
        {
            redeemed > 0 ? L["You used {0} of {1}.", Fmt(redeemed), CurrencyName].Value : null,
            IsPoints // "You earned 120 Pontos Aurora": the points carry the reward's name
                ? pending
                    ? L["You earned {0}, available on {1}.", Reward(P.EarnedCents), Day(AvailableAt!.Value)].Value
                    : L["You earned {0}.", Reward(P.EarnedCents)].Value
                : pending
                    ? L["You earned {0} of {1}, available on {2}.", Fmt(P.EarnedCents), CurrencyName, Day(AvailableAt!.Value)].Value
                    : L["You earned {0} of {1}.", Fmt(P.EarnedCents), CurrencyName].Value,
            Balances.PendingCents > 0
                ? L["Balance: {0} (+ {1} pending).", Reward(Balances.AvailableCents), Reward(Balances.PendingCents)].Value
                : L["Balance: {0}.", Reward(Balances.AvailableCents)].Value,
        }.Where(s => s is not null));
        return Page();
    }
}
