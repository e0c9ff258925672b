using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Security;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// Joining the program (EnrollCustomer): a phone known as a walk-in claims its credit, a referral code (?ref= or typed)
/// is recorded. Then a sign-in code is sent to the email and the sign-in page opens at its code step.
/// The page does not tell who is a member: an email or phone that already belongs to one gets the very answer of a new
/// join (the existing member is sent a sign-in code, nothing else changes), and a join without email shows a panel
/// with nothing of the member in it. Joins are limited per client (IP) (<see cref="CodeLimits.ClientJoins"/>).
/// </summary>
public sealed class JoinModel(SmartbisDb db, EnrollCustomer enroll, SendSignInCode sendCode, AttemptLimit limits, TimeProvider clock) : PortalPage
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
    /// <summary>Joined without an email (or already a member by that phone): the panel that says how to use it.</summary>
    public bool Joined { get; private set; }
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
            await limits.CountAsync(CodeLimits.ClientJoins, ClientKey.Of(HttpContext), HttpContext.RequestAborted);
        }
        catch (OperationFailed failed)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            AttemptLimit.SetRetryAfter(Response, failed);
            ShowErrors(failed);
            await LoadReferralAsync();
            return Page();
        }
        Guid memberId;
        try
        {
            memberId = (await enroll.ExecuteAsync(new EnrollCustomer.Request(
                Input.Name, Input.Phone, Input.Email, BirthDate: Input.BirthDate,
                EmailConsent: Input.EmailConsent, WhatsAppConsent: Input.WhatsAppConsent,
                ConsentWording: $"{P["Send me news and offers by email."]} | {P["Send me news and offers by WhatsApp."]} | {P["I accept the program rules."]}",
                Source: "portal", ReferralCode: string.IsNullOrWhiteSpace(Input.ReferralCode) ? null : Input.ReferralCode,
                Locale: System.Globalization.CultureInfo.CurrentUICulture.Name))).CustomerId;
        }
        catch (OperationFailed failed) when (failed.Code == "duplicate" && failed.Refs.TryGetValue("existingCustomerId", out var existingId))
        {
            // Already a member by this email or phone: answer as for a new member (below) and change nothing; the
            // member (not the typist) gets a sign-in code at their own address, as if they had asked for one.
            memberId = existingId;
        }
        catch (OperationFailed failed) when (Features.Plans.PlanLimits.IsPlanRefusal(failed))
        {
            // The merchant's plan is full (after its grace period): the visitor is told plainly, not about plans.
            ModelState.AddModelError("", P["This program is not taking new members right now. Please ask at the store."]);
            await LoadReferralAsync();
            return Page();
        }
        catch (OperationFailed failed)
        {
            ShowErrors(failed, Fields);
            await LoadReferralAsync();
            return Page();
        }

        var email = Emails.Normalize(Input.Email);
        if (email is null)
        {
            Joined = true; // the panel says how to use a phone-only membership; it shows nothing of the member
            return Page();
        }
        try
        {
            await sendCode.ExecuteAsync(memberId, CodePurpose.SignIn, HttpContext.RequestAborted);
        }
        catch (OperationFailed)
        {
            // joined all the same (or already a member): they can ask for a code on the sign-in page
        }
        TempData[IdentifierKey] = email;
        return Redirect(Link("/signin?joined=true"));
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
            Welcome = rules.WelcomeBonusCents > 0 ? Reward(rules.WelcomeBonusCents) : null;
        }
        catch (OperationFailed) { }
    }

    public string? Welcome { get; private set; }
}
