using Microsoft.AspNetCore.Mvc;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Security;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Portal;

/// <summary>
/// Passwordless sign-in: email or phone → a six-digit code by email or WhatsApp → the code → the member's own session cookie.
/// An email or phone that is no member's gets the same code step with the same words ("if it belongs to a member, we
/// sent a code"): the page never tells who is a member. Too many codes or attempts (per member, per client IP) answer
/// 429 with a clear message and Retry-After when the client limit is the cause.
/// </summary>
public sealed class SignInModel(SmartbisDb db, SendSignInCode sendCode, VerifySignInCode verify) : PortalPage
{
    [BindProperty] public string? Identifier { get; set; }
    [BindProperty] public string? Code { get; set; }
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
        }
        return Page();
    }

    public async Task<IActionResult> OnPostSendAsync()
    {
        if (!await LoadAsync(db)) return NotFound();
        try
        {
            await sendCode.ToIdentifierAsync(Identifier ?? "", ClientKey.Of(HttpContext), HttpContext.RequestAborted);
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
        Guid customerId;
        try
        {
            customerId = await verify.VerifyIdentifierAsync(Identifier, Code, ClientKey.Of(HttpContext), HttpContext.RequestAborted);
        }
        catch (OperationFailed failed)
        {
            Refuse(failed, nameof(Code));
            return Page();
        }
        await CustomerSession.SignInAsync(HttpContext, Tenant.Id, customerId);
        return Redirect(Link("/home"));
    }

    private void Refuse(OperationFailed failed, string field)
    {
        if (failed.Status == StatusCodes.Status429TooManyRequests) Response.StatusCode = StatusCodes.Status429TooManyRequests;
        AttemptLimit.SetRetryAfter(Response, failed);
        foreach (var message in ErrorTexts.All(failed, HttpContext)) ModelState.AddModelError(field, message);
    }
}
