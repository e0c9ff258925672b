using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Notifications.WhatsApp;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Automations;

/// <summary>Channel settings: sender identity, quiet hours, frequency cap, WhatsApp credentials (token stored encrypted) with a test.</summary>
public sealed class SettingsModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IDataProtectionProvider protection, WhatsAppClient whatsApp,
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

    public async Task<IActionResult> OnPostAsync()
    {
        var s = await Messaging.SettingsAsync(db);
        HasToken = s.WhatsAppTokenProtected is not null;
        if (Input.ReplyTo is { Length: > 0 } r && Emails.Normalize(r) is null) ModelState.AddModelError("Input.ReplyTo", L["Enter a valid email address."]);
        if (Input.SenderName?.Length > 120) ModelState.AddModelError("Input.SenderName", L["Up to 120 characters."]);
        if (Input.MaxPerDay is < 0 or > 50) ModelState.AddModelError("Input.MaxPerDay", L["Between 0 and 50."]);
        if (Input.MaxPerWeek is < 0 or > 200) ModelState.AddModelError("Input.MaxPerWeek", L["Between 0 and 200."]);
        if (Input.WhatsAppPhoneNumberId is { Length: > 0 } id && !id.All(char.IsDigit)) ModelState.AddModelError("Input.WhatsAppPhoneNumberId", L["The phone number id has only digits."]);
        if (!ModelState.IsValid) return Page();

        var before = new { s.SenderName, s.ReplyTo, s.QuietFrom, s.QuietUntil, s.MaxPerDay, s.MaxPerWeek, s.WhatsAppPhoneNumberId };
        s.SenderName = Blank(Input.SenderName);
        s.ReplyTo = Input.ReplyTo is { Length: > 0 } reply ? Emails.Normalize(reply) : null;
        (s.QuietFrom, s.QuietUntil, s.MaxPerDay, s.MaxPerWeek) = (Input.QuietFrom, Input.QuietUntil, Input.MaxPerDay, Input.MaxPerWeek);
        s.WhatsAppPhoneNumberId = Blank(Input.WhatsAppPhoneNumberId);
        if (s.WhatsAppPhoneNumberId is null) s.WhatsAppTokenProtected = null;
        else if (Blank(Input.WhatsAppToken) is { } token) s.WhatsAppTokenProtected = protection.CreateProtector(WhatsAppTokens.Purpose).Protect(token);
        s.UpdatedAt = clock.GetUtcNow();
        RecordAudit.Add(db, AuditActor.From(HttpContext, Staff), s.UpdatedAt, "messaging.update", "Channel settings saved", "messaging_settings", s.TenantId, before,
            new { s.SenderName, s.ReplyTo, s.QuietFrom, s.QuietUntil, s.MaxPerDay, s.MaxPerWeek, s.WhatsAppPhoneNumberId, TokenChanged = Blank(Input.WhatsAppToken) is not null });
        try
        {
            await db.SaveChangesAsync();
        }
        catch (Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            ModelState.AddModelError("Input.WhatsAppPhoneNumberId", L["This phone number id is already used by another business."]);
            return Page();
        }
        HasToken = s.WhatsAppTokenProtected is not null;
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

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
