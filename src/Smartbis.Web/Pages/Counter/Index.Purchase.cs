using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Counter;

/// <summary>
/// POST /counter?handler=Purchase: records the purchase typed in the form (<see cref="RecordCounterPurchase"/>: fraud gate,
/// ledger, audit and flags in one transaction under the form's key) and redirects to its receipt; a refusal shows the form
/// again with the errors beside their fields.
/// </summary>
public sealed partial class IndexModel
{
    public sealed class PurchaseInput
    {
        public Guid? CustomerId { get; set; }
        public string? Phone { get; set; }
        public string? Amount { get; set; }
        public string? Receipt { get; set; }
        public string? PayWithCashback { get; set; }
        public string? VoucherCode { get; set; }
        public string? Excluded { get; set; }
        public string IdempotencyKey { get; set; } = "";
        public string? OneTimeCode { get; set; }
        public string? ManagerPin { get; set; }
        /// <summary>Not typed: the key large-redemption errors are shown under.</summary>
        public string? Authorization { get; set; }
    }

    [BindProperty] public PurchaseInput Purchase { get; set; } = new();
    public bool NeedsAuthorization { get; private set; }
    public Guid? DuplicateOf { get; private set; }

    public async Task<IActionResult> OnPostPurchaseAsync([FromServices] RecordCounterPurchase recordPurchase)
    {
        await LoadStoreAsync();
        if (Store is null) return Redirect("/counter");
        ClearPrefix(ModelState, "Enrol");
        var amount = ParseMoney(Purchase.Amount);
        var cashback = string.IsNullOrWhiteSpace(Purchase.PayWithCashback) ? 0 : ParseMoney(Purchase.PayWithCashback);
        // The excluded-amount field is on the form only when the rules exclude categories: otherwise a value (forged or
        // left from an older form) is ignored, not refused with an error the page has nowhere to show.
        var excludes = (await RulesInForce.CachedAtAsync(Db, Clock.GetUtcNow())).ExcludedCategories.Count > 0;
        var excluded = !excludes || string.IsNullOrWhiteSpace(Purchase.Excluded) ? 0 : ParseMoney(Purchase.Excluded);
        if (amount is null or 0) ModelState.AddModelError("Purchase.Amount", L["Type the amount, e.g. {0}.", Plain(123_45)]);
        if (cashback is null) ModelState.AddModelError("Purchase.PayWithCashback", L["Type an amount, e.g. {0}, or leave it empty.", Plain(10_00)]);
        if (excluded is null) ModelState.AddModelError("Purchase.Excluded", L["Type an amount, e.g. {0}, or leave it empty.", Plain(10_00)]);
        if (ModelState.IsValid)
        {
            Rules = await RulesInForce.CachedAtAsync(Db, Clock.GetUtcNow());
            try
            {
                var result = await recordPurchase.ExecuteAsync(new RecordCounterPurchase.Request(
                    Store.Id, Purchase.CustomerId, Purchase.Phone, amount!.Value, Purchase.Receipt, Purchase.IdempotencyKey,
                    cashback!.Value, Purchase.VoucherCode, excluded!.Value, Rules.ExcludedCategories.FirstOrDefault(),
                    Purchase.OneTimeCode, Purchase.ManagerPin), Actor(), HttpContext.RequestAborted);
                return Redirect($"/counter/receipt/{result.Purchase.PurchaseId}" + (result.Replayed ? "?replayed=true" : ""));
            }
            // An unknown customer is a 404 page; an unknown voucher code is a typo shown beside the field.
            catch (OperationFailed e) when (e.Status != 404 || e.Errors.ContainsKey("voucherCode"))
            {
                NeedsAuthorization = e.Code is "authorization_required" or "invalid_code" or "code_amount" or "invalid_pin" or "pin_locked" or "no_email" or "too_many_codes";
                if (e.Code == "duplicate_receipt" && e.Refs.TryGetValue("existingPurchaseId", out var first)) DuplicateOf = first;
                // A points program has no "pay with" field: its refusal (points are not money) goes to the form's summary.
                AddErrors(e, "Purchase", IsPoints ? PointsPurchaseFields : PurchaseFields);
            }
        }
        // The card is read only to show the form again (a recorded purchase redirects; the operation answers an unknown
        // customer with a 404): another tenant's customer is not there either way.
        await ReloadAfterPostAsync();
        if (Purchase.CustomerId is not null && Card is null) return NotFound();
        return Page();
    }

    private static readonly Dictionary<string, string> PurchaseFields = new()
    {
        ["amountCents"] = "Amount", ["payWithCashbackCents"] = "PayWithCashback", ["voucherCode"] = "VoucherCode", ["code"] = "OneTimeCode",
        ["receiptNumber"] = "Receipt", ["oneTimeCode"] = "OneTimeCode", ["managerPin"] = "ManagerPin", ["authorization"] = "Authorization",
        ["lines"] = "Excluded", ["excludedAmount"] = "Excluded", ["phone"] = "Phone",
    };

    private static readonly Dictionary<string, string> PointsPurchaseFields =
        PurchaseFields.Where(f => f.Key != "payWithCashbackCents").ToDictionary();
}
