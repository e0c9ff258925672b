using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Notifications.WhatsApp;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Automations;

/// <summary>Channel settings: sender identity, quiet hours, frequency cap, WhatsApp credentials (token stored encrypted) with a test.</summary>
public sealed class SettingsModel(SmartbisDb db, CurrentStaff staff, IDataProtectionProvider protection, WhatsAppClient whatsApp,
    IStringLocalizer<AutomationsText> L) : ManagerPage(staff)
{
    public sealed class Form
    {
        public string? SenderName { get; set; }
        public string? ReplyTo { get; set; }
        public TimeOnly QuietFrom { get; set; }
        public TimeOnly QuietUntil { get; set; }
        public int MaxPerDay { get; set; }
        public int MaxPerWeek { get; set; }
        public string? WhatsAppPhoneNumberId { get; set; }
        /// <summary>Write-only: blank keeps the stored token.</summary>
        public string? WhatsAppToken { get; set; }
    }

    [BindProperty] public Form Input { get; set; } = new();
    public bool HasToken { get; private set; }
    public string? Notice { get; private set; }
    public string? TestResult { get; private set; }

    public async Task OnGetAsync()
    {
        var s = await Messaging.SettingsAsync(db);
        HasToken = s.WhatsAppTokenProtected is not null;
        Input = new Form
        {
            SenderName = s.SenderName, ReplyTo = s.ReplyTo, QuietFrom = s.QuietFrom, QuietUntil = s.QuietUntil, MaxPerDay = s.MaxPerDay,
            MaxPerWeek = s.MaxPerWeek, WhatsAppPhoneNumberId = s.WhatsAppPhoneNumberId,
        };
    }

    public async Task<IActionResult> OnPostAsync([FromServices] SaveMessagingSettings save)
    {
        HasToken = (await Messaging.SettingsAsync(db)).WhatsAppTokenProtected is not null;
        var request = new SaveMessagingSettings.Request(Input.SenderName, Input.ReplyTo, Input.QuietFrom, Input.QuietUntil,
            Input.MaxPerDay, Input.MaxPerWeek, Input.WhatsAppPhoneNumberId, Input.WhatsAppToken);
        try
        {
            SaveMessagingSettings.Validate(request).ThrowIfInvalid();
            if (!ModelState.IsValid) return Page(); // what did not bind is shown beside its field; nothing is saved
            HasToken = await save.ExecuteAsync(request, AuditActor.From(HttpContext, Staff), HttpContext.RequestAborted);
        }
        catch (OperationFailed e)
        {
            foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                foreach (var message in messages) ModelState.AddModelError($"Input.{field}", message);
            return Page();
        }
        Input.WhatsAppToken = null;
        Notice = L["Saved."];
        return Page();
    }

    public async Task<IActionResult> OnPostTestWhatsAppAsync()
    {
        await OnGetAsync();
        var s = await Messaging.SettingsAsync(db);
        if (!s.HasWhatsApp) { TestResult = L["Save the phone number id and the access token first."]; return Page(); }
        try
        {
            var token = protection.CreateProtector(WhatsAppTokens.Purpose).Unprotect(s.WhatsAppTokenProtected!);
            var number = await whatsApp.TestConnectionAsync(s.WhatsAppPhoneNumberId!, token, HttpContext.RequestAborted);
            TestResult = L["Connected: {0}", number];
        }
        catch (Exception e) when (e is WhatsAppException or HttpRequestException or TaskCanceledException or System.Security.Cryptography.CryptographicException or System.Text.Json.JsonException)
        {
            TestResult = L["The connection failed: {0}", e.Message];
        }
        return Page();
    }

}
