using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// Joining the program (EnrollCustomer): a phone known as a walk-in claims its credit, a known phone/email is offered
/// sign-in instead, a referral code (?ref= or typed) is recorded. Then a sign-in code is sent to the email.
/// </summary>
public sealed class JoinModel(SmartbisDb db, EnrollCustomer enroll, SendSignInCode sendCode, TimeProvider clock) : PortalPage
{
    public const string IdentifierKey = "portal:identifier";

    public sealed class InputModel
    {
        public string Name { get; set; } = "";
        public string? Phone { get; set; }
        public string? Email { get; set; }
        [DataType(DataType.Date)]
        public DateOnly? BirthDate { get; set; }
        public bool EmailConsent { get; set; }
        public bool WhatsAppConsent { get; set; }
        public bool AcceptTerms { get; set; }
        public string? ReferralCode { get; set; }
    }

    [BindProperty] public InputModel Input { get; set; } = new();
    public bool Duplicate { get; private set; }
    public EnrollCustomer.Result? Joined { get; private set; }
    public string? Referral { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? @ref)
    {
        if (!await LoadAsync(db)) return NotFound();
        if (CustomerId is not null) return Redirect(Link("/home"));
        Input.ReferralCode = string.IsNullOrWhiteSpace(@ref) ? null : Codes.Normalize(@ref);
        await LoadReferralAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync(db)) return NotFound();
        // A date the browser sent but that is not a date (31/02, text) must be refused, not silently dropped.
        var unreadableDate = ModelState.TryGetValue("Input.BirthDate", out var date) && date.Errors.Count > 0;
        ModelState.Clear(); // the operation validates; its messages are shown in the UI language
        if (unreadableDate) ModelState.AddModelError("Input.BirthDate", P["Enter a valid date."]);
        if (!Input.AcceptTerms) ModelState.AddModelError("Input.AcceptTerms", P["Accept the program rules to join."]);
        if (!ModelState.IsValid)
        {
            await LoadReferralAsync();
            return Page();
        }
        try
        {
            Joined = await enroll.ExecuteAsync(new EnrollCustomer.Request(
                Input.Name, Input.Phone, Input.Email, BirthDate: Input.BirthDate,
                EmailConsent: Input.EmailConsent, WhatsAppConsent: Input.WhatsAppConsent,
                ConsentWording: $"{P["Send me news and offers by email."]} | {P["Send me news and offers by WhatsApp."]} | {P["I accept the program rules."]}",
                Source: "portal", ReferralCode: string.IsNullOrWhiteSpace(Input.ReferralCode) ? null : Input.ReferralCode,
                Locale: System.Globalization.CultureInfo.CurrentUICulture.Name));
        }
        catch (OperationFailed failed)
        {
            Duplicate = failed.Code == "duplicate" && failed.Errors.ContainsKey("existingCustomerId");
            ShowErrors(failed, Fields);
            await LoadReferralAsync();
            return Page();
        }

        var email = Emails.Normalize(Input.Email);
        if (email is null) return Page(); // joined; the success panel explains how to use it
        try
        {
            await sendCode.ExecuteAsync(Joined.CustomerId, CodePurpose.SignIn);
            TempData[IdentifierKey] = email;
            return Redirect(Link("/signin?joined=true"));
        }
        catch (OperationFailed)
        {
            return Redirect(Link("/signin?joined=true")); // joined all the same: they can ask for a code there
        }
    }

    private static readonly Dictionary<string, string> Fields = new()
    {
        ["name"] = "Input.Name", ["phone"] = "Input.Phone", ["email"] = "Input.Email", ["birthDate"] = "Input.BirthDate",
        ["cpf"] = "Input.Phone", ["referralCode"] = "Input.ReferralCode",
    };

    private async Task LoadReferralAsync()
    {
        try
        {
            var rules = await RulesInForce.AtAsync(db, clock.GetUtcNow());
            Referral = string.IsNullOrWhiteSpace(Input.ReferralCode) ? null : RulesInWords.Referral(rules, Tenant, P);
            Welcome = rules.WelcomeBonusCents > 0 ? Money(rules.WelcomeBonusCents) : null;
        }
        catch (OperationFailed) { }
    }

    public string? Welcome { get; private set; }
}
