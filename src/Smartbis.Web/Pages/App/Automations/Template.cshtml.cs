using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Automations;

/// <summary>The template editor: the wording of one trigger, channel and language, with preview and a test send.</summary>
public sealed class TemplateModel(SmartbisDb db, CurrentStaff staff, SendTestMessage tester, IStringLocalizer<AutomationsText> L,
    Microsoft.AspNetCore.Identity.UserManager<AppUser> users, ILogger<TemplateModel> log) : ManagerPage(staff)
{
    [BindProperty(SupportsGet = true)] public string Trigger { get; set; } = Triggers.CashbackEarned;
    [BindProperty(SupportsGet = true)] public Channel Channel { get; set; } = Channel.Email;
    [BindProperty(SupportsGet = true)] public string? Locale { get; set; }
    [BindProperty] public string Subject { get; set; } = "";
    [BindProperty] public string Body { get; set; } = "";
    [BindProperty] public string? WhatsAppTemplate { get; set; }
    [BindProperty] public string? WhatsAppParameters { get; set; }

    public TriggerInfo Info { get; private set; } = Triggers.All[0];
    public bool Customized { get; private set; }
    public RenderedMessage? Preview { get; private set; }
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (!Resolve()) return NotFound();
        var own = await db.MessageTemplates.AsNoTracking().SingleOrDefaultAsync(t => t.Trigger == Trigger && t.Channel == Channel && t.Locale == Locale);
        Customized = own is not null;
        var text = own is null ? DefaultTemplates.For(Trigger, Channel, Locale!, await Features.Programs.RewardUnits.OfTenantAsync(db)) : new TemplateText(own.Subject, own.Body, own.WhatsAppTemplate, own.WhatsAppParameters);
        (Subject, Body, WhatsAppTemplate, WhatsAppParameters) = (text.Subject, text.Body, text.WhatsAppTemplate, text.WhatsAppParameters);
        await RenderPreviewAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPreviewAsync()
    {
        if (!Resolve()) return NotFound();
        if (Validate()) await RenderPreviewAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync([FromServices] SaveTemplate save)
    {
        if (!Resolve()) return NotFound();
        if (!Validate()) return Page();
        await save.ExecuteAsync(new SaveTemplate.Request(Trigger, Channel, Locale!, Subject, Body, WhatsAppTemplate, WhatsAppParameters),
            AuditActor.From(HttpContext, Staff), HttpContext.RequestAborted);
        Customized = true;
        Notice = L["Saved."];
        await RenderPreviewAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostResetAsync([FromServices] ResetTemplate reset)
    {
        if (!Resolve()) return NotFound();
        await reset.ExecuteAsync(Trigger, Channel, Locale!, AuditActor.From(HttpContext, Staff), HttpContext.RequestAborted);
        return RedirectToPage(new { Trigger, Channel, Locale });
    }

    public async Task<IActionResult> OnPostTestAsync()
    {
        if (!Resolve()) return NotFound();
        if (!Validate()) return Page();
        var me = await users.GetUserAsync(User);
        if (me?.Email is not { Length: > 0 } to) { ModelState.AddModelError("", L["Your account has no email address."]); return Page(); }
        try
        {
            await tester.ExecuteAsync(Trigger, Locale!, Channel == Channel.Email ? Subject : L["Test"], Body, to);
            Notice = L["Test message sent to {0}.", to];
        }
        catch (Exception e) when (e is Features.Notifications.Email.EmailDeliveryException or MailKit.CommandException or MailKit.ProtocolException or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            log.LogWarning(e, "Test send failed");
            ModelState.AddModelError("", L["The test message could not be sent: {0}", e.Message]);
        }
        await RenderPreviewAsync();
        return Page();
    }

    private bool Resolve()
    {
        if (Triggers.Find(Trigger) is not { } info) return false;
        Info = info;
        Locale = DefaultTemplates.NormalizeLocale(Locale ?? Staff.Tenant?.Locale);
        return true;
    }

    /// <summary>Syntax and unknown variables, beside the field they are in.</summary>
    private bool Validate()
    {
        foreach (var error in RenderTemplate.Validate(Trigger, Channel == Channel.Email ? Subject ?? "" : "", Body ?? ""))
            ModelState.AddModelError(error.StartsWith("Subject:") ? nameof(Subject) : nameof(Body), error);
        if (Channel == Channel.Email && string.IsNullOrWhiteSpace(Subject)) ModelState.AddModelError(nameof(Subject), L["Enter a subject."]);
        if (string.IsNullOrWhiteSpace(Body)) ModelState.AddModelError(nameof(Body), L["Enter the message."]);
        // The columns' limits (message_templates): beyond them saving was a 500.
        if (Subject?.Length > 200) ModelState.AddModelError(nameof(Subject), L["Up to {0} characters.", 200]);
        if (Body?.Length > 20_000) ModelState.AddModelError(nameof(Body), L["Up to {0} characters.", 20_000]);
        if (WhatsAppTemplate?.Length > 100) ModelState.AddModelError(nameof(WhatsAppTemplate), L["Up to {0} characters.", 100]);
        if (WhatsAppParameters?.Length > 500) ModelState.AddModelError(nameof(WhatsAppParameters), L["Up to {0} characters.", 500]);
        if (Channel == Channel.WhatsApp)
        {
            var unknown = (WhatsAppParameters ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(p => !Info.Variables.Contains(p)).ToList();
            if (unknown.Count > 0) ModelState.AddModelError(nameof(WhatsAppParameters), L["Unknown variables: {0}", string.Join(", ", unknown)]);
            if (string.IsNullOrWhiteSpace(WhatsAppTemplate)) ModelState.AddModelError(nameof(WhatsAppTemplate), L["Enter the name of the template approved at Meta."]);
        }
        return ModelState.IsValid;
    }

    private async Task RenderPreviewAsync()
    {
        try { Preview = await tester.PreviewAsync(Trigger, Locale!, Channel == Channel.Email ? Subject : "-", Body); }
        catch (OperationFailed) { Preview = null; }
    }

}
