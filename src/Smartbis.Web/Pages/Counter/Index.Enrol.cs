using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Counter;

/// <summary>
/// POST /counter?handler=Enrol: quick enrol (<see cref="EnrollCustomer"/>, source "counter", consent per channel with the
/// wording shown) under the form's own key, then the new customer's card; a refusal shows the enrol form again.
/// </summary>
public sealed partial class IndexModel
{
    public sealed class EnrolInput
    {
        public string? Name { get; set; }
        public string? Phone { get; set; }
        public string? Email { get; set; }
        public bool EmailConsent { get; set; }
        public bool WhatsAppConsent { get; set; }
        public string? ReferralCode { get; set; }
        /// <summary>Made when the form is rendered: a resubmission of this form is the same enrolment.</summary>
        public string IdempotencyKey { get; set; } = "";
    }

    [BindProperty] public EnrolInput Enrol { get; set; } = new();

    /// <summary>The enrol was refused by the plan's member limit: the form links to the plan page.</summary>
    public bool PlanLimited { get; private set; }

    public async Task<IActionResult> OnPostEnrolAsync([FromServices] EnrollCustomer enroll)
    {
        await LoadStoreAsync();
        if (Store is null) return Redirect("/counter");
        ClearPrefix(ModelState, "Purchase");
        try
        {
            var result = await enroll.ExecuteAsync(new EnrollCustomer.Request(
                Enrol.Name ?? "", Enrol.Phone, Enrol.Email, EmailConsent: Enrol.EmailConsent, WhatsAppConsent: Enrol.WhatsAppConsent,
                ConsentWording: IsPoints
                    ? L["The customer agreed at the counter to receive messages about their {0} on the ticked channels.", CurrencyName]
                    : L["The customer agreed at the counter to receive messages about their cashback on the ticked channels."],
                Source: "counter", ReferralCode: Enrol.ReferralCode, Locale: Locale,
                IdempotencyKey: string.IsNullOrWhiteSpace(Enrol.IdempotencyKey) ? NewKey() : Enrol.IdempotencyKey), Actor(), HttpContext.RequestAborted);
            return Redirect($"/counter?c={result.CustomerId}&enrolled=true");
        }
        catch (OperationFailed e) when (e.Status != 404)
        {
            AddErrors(e, "Enrol", EnrolFields);
            PlanLimited = Features.Plans.PlanLimits.IsPlanRefusal(e);
            if (e.Refs.TryGetValue("existingCustomerId", out var existing)) SelectedId = existing;
        }
        ShowEnrol = true;
        Purchase.IdempotencyKey = NewKey();
        await LoadContextAsync();
        return Page();
    }

    private static readonly Dictionary<string, string> EnrolFields = new()
    {
        ["name"] = "Name", ["phone"] = "Phone", ["email"] = "Email", ["referralCode"] = "ReferralCode", ["cpf"] = "Name",
    };
}
