using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.Portal;

/// <summary>Contact preferences (each change recorded), download my data, delete my account (confirmed by a code).</summary>
public sealed class PreferencesModel(SmartbisDb db, UpdatePreferences update, ExportMyData export, SendSignInCode sendCode,
    VerifySignInCode verify, DeleteAccount delete) : PortalPage
{
    [BindProperty] public bool EmailConsent { get; set; }
    [BindProperty] public bool WhatsAppConsent { get; set; }
    [BindProperty] public string? Language { get; set; }
    [BindProperty] public string? Code { get; set; }

    public string? Email { get; private set; }
    public string? Phone { get; private set; }
    public bool Saved { get; private set; }
    public string? DeleteCodeSentTo { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool saved = false)
    {
        if (!await LoadMemberAsync()) return CustomerId is null && Tenant is not null ? ToSignIn() : NotFound();
        Saved = saved;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadMemberAsync(keepForm: true)) return Tenant is null ? NotFound() : ToSignIn();
        try
        {
            await update.ExecuteAsync(CustomerId!.Value, new UpdatePreferences.Request(EmailConsent, WhatsAppConsent,
                string.IsNullOrEmpty(Language) ? null : Language, P["Send me news and offers by email."], P["Send me news and offers by WhatsApp."]));
        }
        catch (OperationFailed failed)
        {
            ShowErrors(failed, new Dictionary<string, string> { ["emailConsent"] = nameof(EmailConsent), ["whatsAppConsent"] = nameof(WhatsAppConsent), ["locale"] = nameof(Language) });
            return Page();
        }
        return Redirect(Link("/preferences?saved=true"));
    }

    public async Task<IActionResult> OnGetDownloadAsync()
    {
        if (!await LoadMemberAsync()) return Tenant is null ? NotFound() : ToSignIn();
        var json = await export.ExecuteAsync(CustomerId!.Value, HttpContext.RequestAborted);
        return File(json, "application/json", $"{Tenant.Slug}-my-data.json");
    }

    public async Task<IActionResult> OnPostSendDeleteCodeAsync()
    {
        if (!await LoadMemberAsync()) return Tenant is null ? NotFound() : ToSignIn();
        try
        {
            DeleteCodeSentTo = (await sendCode.ExecuteAsync(CustomerId!.Value, CodePurpose.DeleteAccount, HttpContext.RequestAborted,
                client: Features.Security.ClientKey.Of(HttpContext))).SentTo;
        }
        catch (OperationFailed failed)
        {
            if (failed.Status == 429) Response.StatusCode = 429;
            Features.Security.AttemptLimit.SetRetryAfter(Response, failed);
            foreach (var m in ErrorTexts.All(failed, HttpContext)) ModelState.AddModelError(nameof(Code), m);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync()
    {
        if (!await LoadMemberAsync()) return Tenant is null ? NotFound() : ToSignIn();
        try
        {
            await verify.VerifyAsync(CustomerId!.Value, CodePurpose.DeleteAccount, Code, HttpContext.RequestAborted, Features.Security.ClientKey.Of(HttpContext));
        }
        catch (OperationFailed failed)
        {
            if (failed.Status == 429) Response.StatusCode = 429;
            Features.Security.AttemptLimit.SetRetryAfter(Response, failed);
            DeleteCodeSentTo = "";
            foreach (var m in ErrorTexts.All(failed, HttpContext)) ModelState.AddModelError(nameof(Code), m);
            return Page();
        }
        await delete.ExecuteAsync(CustomerId!.Value);
        await CustomerSession.SignOutAsync(HttpContext);
        return Redirect(Link("?deleted=true"));
    }

    private async Task<bool> LoadMemberAsync(bool keepForm = false)
    {
        if (!await LoadAsync(db) || CustomerId is not { } me) return false;
        ViewData["PortalNav"] = "preferences";
        var c = await db.Customers.Where(x => x.Id == me).Select(x => new { x.Email, x.Phone, x.EmailConsent, x.WhatsAppConsent, x.Locale }).SingleAsync();
        (Email, Phone) = (c.Email, c.Phone);
        if (!keepForm) (EmailConsent, WhatsAppConsent, Language) = (c.EmailConsent, c.WhatsAppConsent, c.Locale);
        return true;
    }
}
