using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Counter;

/// <summary>Full or partial refund of a purchase, with a reason. Another store's purchase is not found for a cashier.</summary>
public sealed class RefundModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<CounterText> l, RefundAtCounter refund)
    : CounterPage(db, staff, clock, l)
{
    public sealed class RefundInput
    {
        public string? Amount { get; set; }
        public string? Reason { get; set; }
        public string IdempotencyKey { get; set; } = "";
    }

    public sealed record View(Guid Id, string StoreName, Guid CustomerId, string Customer, string? Receipt, DateTimeOffset At,
        long AmountCents, long PaidWithCreditCents, long EarnedCents, long RefundedCents);

    public sealed record Done(DateTimeOffset At, long AmountCents, long ReversedEarnCents, long ReturnedCreditCents, long ClawbackCents, string Reason, string? By);

    [BindProperty] public RefundInput Input { get; set; } = new();
    [BindProperty(SupportsGet = true)] public bool Refunded { get; set; }
    public View P { get; private set; } = null!;
    public bool Allowed { get; private set; }
    public IReadOnlyList<Done> History { get; private set; } = [];
    public (long Available, long Pending, long Clawback) Balances { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        Input = new RefundInput { Amount = Plain(P.AmountCents - P.RefundedCents), IdempotencyKey = NewKey() };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id)
    {
        if (!await LoadAsync(id)) return NotFound();
        if (!Allowed) return StatusCode(StatusCodes.Status403Forbidden);
        var amount = ParseMoney(Input.Amount);
        if (amount is null or 0) ModelState.AddModelError("Input.Amount", L["Type the amount, e.g. {0}.", Plain(10_00)]);
        if (ModelState.IsValid)
        {
            try
            {
                await refund.ExecuteAsync(new RefundAtCounter.Request(id, amount!.Value, Input.Reason ?? "", Input.IdempotencyKey),
                    Staff, Store?.Id, AuditActor.From(HttpContext, Staff), HttpContext.RequestAborted);
                return Redirect($"/counter/refund/{id}?refunded=true");
            }
            catch (OperationFailed e) when (e.Status is not (404 or 403))
            {
                AddErrors(e, "Input", new Dictionary<string, string> { ["amountCents"] = "Amount", ["reason"] = "Reason" });
            }
        }
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id)
    {
        await LoadStoreAsync();
        var visible = await RefundAtCounter.FindAsync(Db, Staff, Store?.Id, id, Clock.GetUtcNow());
        if (visible is null) return false;
        Allowed = visible.Refundable;
        P = await Db.Purchases.Where(p => p.Id == id).Select(p => new View(p.Id, Db.Stores.Where(s => s.Id == p.StoreId).Select(s => s.Name).First(),
                p.CustomerId, Db.Customers.Where(c => c.Id == p.CustomerId).Select(c => c.Name != "" ? c.Name : c.Phone ?? "").First(),
                p.ReceiptNumber, p.CreatedAt, p.AmountCents, p.PaidWithCashbackCents + p.PaidWithVoucherCents, p.EarnedCents, p.RefundedCents))
            .SingleAsync();
        History = await Db.PurchaseRefunds.Where(r => r.PurchaseId == id).OrderBy(r => r.CreatedAt)
            .Select(r => new Done(r.CreatedAt, r.AmountCents, r.ReversedEarnCents, r.ReturnedCreditCents, r.ClawbackCents, r.Reason,
                Db.Users.Where(u => u.Id == r.UserId).Select(u => u.Email).FirstOrDefault()))
            .ToListAsync();
        var a = await Db.Accounts.Where(x => x.CustomerId == P.CustomerId).Select(x => new { x.AvailableCents, x.PendingCents, x.ClawbackCents }).SingleAsync();
        Balances = (a.AvailableCents, a.PendingCents, a.ClawbackCents);
        return true;
    }
}
