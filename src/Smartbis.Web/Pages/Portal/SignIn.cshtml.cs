using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// Passwordless sign-in: email or phone → a six-digit code by email or WhatsApp → the code → the member's own session cookie.
/// Too many codes or attempts answer 429 with a clear message.
/// </summary>
public sealed class SignInModel(SmartbisDb db, SendSignInCode sendCode, VerifySignInCode verify) : PortalPage
{
    [BindProperty] public string? Identifier { get; set; }
    [BindProperty] public string? Code { get; set; }
    /// <summary>Where the code went (masked), once sent: the page shows the code step.</summary>
    public string? SentTo { get; private set; }
    public bool CodeStep { get; private set; }
    public bool Joined { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool joined = false)
    {
        if (!await LoadAsync(db)) return NotFound();
        if (CustomerId is not null) return Redirect(Link("/home"));
        Joined = joined;
        if (TempData[JoinModel.IdentifierKey] is string identifier)
        {
            Identifier = identifier;
            CodeStep = true;
            SentTo = identifier.Contains('@') ? Smartbis.Web.Features.Customers.Emails.Mask(identifier) : null;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostSendAsync()
    {
        if (!await LoadAsync(db)) return NotFound();
        try
        {
            var sent = await sendCode.ToIdentifierAsync(Identifier ?? "");
            SentTo = sent.SentTo;
            CodeStep = true;
        }
        catch (OperationFailed failed)
        {
            Refuse(failed, "Identifier");
        }
        return Page();
    }

    public async Task<IActionResult> OnPostVerifyAsync()
    {
        if (!await LoadAsync(db)) return NotFound();
        CodeStep = true;
        var customerId = await SendSignInCode.FindMemberAsync(db, Identifier, HttpContext.RequestAborted);
        if (customerId is null)
        {
            ModelState.AddModelError(nameof(Code), P["This code has expired or was already used. Ask for a new one."]);
            return Page();
        }
        try
        {
            await verify.VerifyAsync(customerId.Value, CodePurpose.SignIn, Code);
        }
        catch (OperationFailed failed)
        {
            Refuse(failed, nameof(Code));
            return Page();
        }
        await CustomerSession.SignInAsync(HttpContext, Tenant.Id, customerId.Value);
        return Redirect(Link("/home"));
    }

    private void Refuse(OperationFailed failed, string field)
    {
        if (failed.Status == StatusCodes.Status429TooManyRequests) Response.StatusCode = StatusCodes.Status429TooManyRequests;
        foreach (var message in failed.Errors.Values.SelectMany(m => m)) ModelState.AddModelError(field, P[message]);
    }
}
