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
        var excludes = (await RulesInForce.AtAsync(Db, Clock.GetUtcNow())).ExcludedCategories.Count > 0;
        var excluded = !excludes || string.IsNullOrWhiteSpace(Purchase.Excluded) ? 0 : ParseMoney(Purchase.Excluded);
        if (amount is null or 0) ModelState.AddModelError("Purchase.Amount", L["Type the amount, e.g. {0}.", Plain(123_45)]);
        if (cashback is null) ModelState.AddModelError("Purchase.PayWithCashback", L["Type an amount, e.g. {0}, or leave it empty.", Plain(10_00)]);
        if (excluded is null) ModelState.AddModelError("Purchase.Excluded", L["Type an amount, e.g. {0}, or leave it empty.", Plain(10_00)]);
        if (Purchase.CustomerId is { } cid && (Card = await FindCustomer.CardAsync(Db, cid, Clock.GetUtcNow())) is null) return NotFound();
        if (ModelState.IsValid)
        {
            Rules = await RulesInForce.AtAsync(Db, Clock.GetUtcNow());
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
                if (e.Code == "duplicate_receipt" && e.Errors.TryGetValue("existingPurchaseId", out var ids) && Guid.TryParse(ids[0], out var first))
                    DuplicateOf = first;
                AddErrors(e, "Purchase", PurchaseFields, (err, _, message) => LocalizeError(err, message, amount!.Value));
            }
        }
        await ReloadAfterPostAsync();
        return Page();
    }

    private static readonly Dictionary<string, string> PurchaseFields = new()
    {
        ["amountCents"] = "Amount", ["payWithCashbackCents"] = "PayWithCashback", ["voucherCode"] = "VoucherCode", ["code"] = "OneTimeCode",
        ["receiptNumber"] = "Receipt", ["oneTimeCode"] = "OneTimeCode", ["managerPin"] = "ManagerPin", ["authorization"] = "Authorization",
        ["lines"] = "Excluded", ["excludedAmount"] = "Excluded", ["phone"] = "Phone",
    };

    /// <summary>The ledger's English messages carry amounts: rebuild the ones with values in the user's language.</summary>
    private string? LocalizeError(OperationFailed e, string message, long amountCents) => e.Code switch
    {
        "over_max_share" when Rules is not null => L["At most {0} of this purchase can be paid with {1}.", Fmt((long)((Int128)amountCents * Rules.MaxRedeemShareBps / 10_000)), CurrencyName],
        "insufficient_balance" when Card is not null => L["The available balance is {0}.", Fmt(Card.AvailableCents)],
        "below_minimum_balance" when Rules is not null => L["{0} can be used from a balance of {1}.", CurrencyName, Fmt(Rules.MinRedeemBalanceCents)],
        "voucher_used" => L["This voucher was already used."],
        "voucher_expired" => L["This voucher has expired."],
        "voucher_exceeds_purchase" => L["The voucher is worth more than what is left to pay: the purchase must be at least the voucher's value."],
        "duplicate_receipt" => L["This receipt number was already recorded in this store."],
        "authorization_required" when e.Errors.TryGetValue("redemptionCents", out var r) && long.TryParse(r[0], out var cents)
            => L["Using {0} needs the customer's one-time code or a manager's PIN (above {1}).", Fmt(cents), Fmt(Settings.LargeRedemptionCents)],
        _ => L[message],
    };
}
