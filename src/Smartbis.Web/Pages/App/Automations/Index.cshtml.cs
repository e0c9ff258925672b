using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Automations;

public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock) : ManagerPage(staff)
{
    public sealed record Row(TriggerInfo Info, int Sent, int Failed);

    public sealed class Item
    {
        public string Trigger { get; set; } = "";
        public bool Enabled { get; set; }
        public bool Email { get; set; }
        public bool WhatsApp { get; set; }
        public int DelayMinutes { get; set; }
        public int? Days { get; set; }
        public bool QuietHours { get; set; }
    }

    [BindProperty] public List<Item> Items { get; set; } = [];
    public List<Row> Rows { get; private set; } = [];
    public bool WhatsAppReady { get; private set; }
    [TempData] public bool Saved { get; set; }

    public async Task OnGetAsync() => await LoadAsync(fromDb: true);

    public async Task<IActionResult> OnPostAsync([FromServices] SaveAutomationSettings save)
    {
        var items = Items.Select(i => new SaveAutomationSettings.Item(i.Trigger, i.Enabled, i.Email, i.WhatsApp, i.DelayMinutes, i.Days, i.QuietHours)).ToList();
        try
        {
            SaveAutomationSettings.Validate(items).ThrowIfInvalid();
            if (!ModelState.IsValid) { await LoadAsync(fromDb: false); return Page(); } // what did not bind is shown beside its field
            await save.ExecuteAsync(items, AuditActor.From(HttpContext, Staff), HttpContext.RequestAborted);
        }
        catch (OperationFailed e) when (e.Status == 400)
        {
            return BadRequest();
        }
        catch (OperationFailed e)
        {
            foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
                foreach (var message in messages) ModelState.AddModelError(field, message);
            await LoadAsync(fromDb: false);
            return Page();
        }
        Saved = true;
        return RedirectToPage();
    }

    private async Task LoadAsync(bool fromDb)
    {
        var since = clock.GetUtcNow().AddDays(-30);
        var counts = await db.Messages.Where(m => m.CreatedAt >= since)
            .GroupBy(m => new { m.Trigger, m.Status }).Select(g => new { g.Key.Trigger, g.Key.Status, Count = g.Count() }).ToListAsync();
        Rows = Triggers.All.Select(t => new Row(t,
            counts.Where(c => c.Trigger == t.Key && c.Status is MessageStatus.Sent or MessageStatus.Delivered or MessageStatus.Read).Sum(c => c.Count),
            counts.Where(c => c.Trigger == t.Key && c.Status is MessageStatus.Failed or MessageStatus.Bounced or MessageStatus.Unknown).Sum(c => c.Count))).ToList();
        WhatsAppReady = (await Messaging.SettingsAsync(db)).HasWhatsApp;
        if (fromDb)
        {
            var rows = await db.AutomationSettings.AsNoTracking().ToListAsync();
            Items = Triggers.All.Select(t => rows.FirstOrDefault(r => r.Trigger == t.Key) ?? AutomationSetting.Default(t.Key))
                .Select(s => new Item { Trigger = s.Trigger, Enabled = s.Enabled, Email = s.Email, WhatsApp = s.WhatsApp, DelayMinutes = s.DelayMinutes, Days = s.Days, QuietHours = s.QuietHours }).ToList();
        }
    }
}
