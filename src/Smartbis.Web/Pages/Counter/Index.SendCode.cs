using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Counter;

/// <summary>
/// POST /counter?handler=SendCode: sends the customer a one-time code for the redemption typed in the purchase form
/// (<see cref="SendRedemptionCode"/>), and shows the form again with the code field.
/// </summary>
public sealed partial class IndexModel
{
    public string? CodeSentTo { get; private set; }

    public async Task<IActionResult> OnPostSendCodeAsync([FromServices] SendRedemptionCode sendCode)
    {
        await LoadStoreAsync();
        if (Store is null) return Redirect("/counter");
        ClearPrefix(ModelState, "Enrol");
        NeedsAuthorization = true;
        if (Purchase.CustomerId is not { } customerId) return NotFound();
        if (await FindCustomer.CardAsync(Db, customerId, Clock.GetUtcNow()) is null) return NotFound();
        var cashback = ParseMoney(Purchase.PayWithCashback) ?? 0;
        var code = Codes.Normalize(Purchase.VoucherCode);
        var voucher = code.Length == 0 ? 0 : await Db.Vouchers.Where(v => v.Code == code).Select(v => v.ValueCents).FirstOrDefaultAsync();
        try
        {
            var sent = await sendCode.ExecuteAsync(customerId, Math.Max(cashback + voucher, 1), Actor(), HttpContext.RequestAborted);
            CodeSentTo = sent.SentTo;
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            AddErrors(e, "Purchase", PurchaseFields);
        }
        await ReloadAfterPostAsync();
        return Page();
    }
}
