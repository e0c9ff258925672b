using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Pages.App.Automations;

public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<AutomationsText> L) : ManagerPage(staff)
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

    public async Task<IActionResult> OnPostAsync()
    {
        for (var i = 0; i < Items.Count; i++)
        {
            var item = Items[i];
            if (Triggers.Find(item.Trigger) is not { } info) return BadRequest();
            if (item.DelayMinutes is < 0 or > 10_080) ModelState.AddModelError($"Items[{i}].DelayMinutes", L["Between 0 and 10080 minutes (7 days)."]);
            if (info.DaysLabel is not null && item.Days is not (>= 1 and <= 365)) ModelState.AddModelError($"Items[{i}].Days", L["Between 1 and 365 days."]);
        }
        if (!ModelState.IsValid) { await LoadAsync(fromDb: false); return Page(); }

        var now = clock.GetUtcNow();
        var rows = await db.AutomationSettings.ToListAsync();
        foreach (var item in Items)
        {
            var row = rows.FirstOrDefault(r => r.Trigger == item.Trigger);
            var before = row is null ? null : new { row.Enabled, row.Email, row.WhatsApp, row.DelayMinutes, row.Days, row.QuietHours };
            if (row is null) db.AutomationSettings.Add(row = AutomationSetting.Default(item.Trigger));
            var after = new { item.Enabled, item.Email, item.WhatsApp, item.DelayMinutes, Days = Triggers.Find(item.Trigger)!.DaysLabel is null ? null : item.Days, item.QuietHours };
            if (before is not null && before.Equals(after)) continue;
            (row.Enabled, row.Email, row.WhatsApp, row.DelayMinutes, row.Days, row.QuietHours, row.UpdatedAt) = (after.Enabled, after.Email, after.WhatsApp, after.DelayMinutes, after.Days, after.QuietHours, now);
            RecordAudit.Add(db, AuditActor.From(HttpContext, Staff), now, "automation.update", $"Automation {item.Trigger} saved", "automation", item.Trigger, before, after);
        }
        await db.SaveChangesAsync();
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
