using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// Saves the automations page: each trigger on or off, its channels, delay, days and quiet hours. Only the triggers that
/// changed are written, each with its audit entry, all in one SaveChanges.
/// </summary>
public sealed class SaveAutomationSettings(SmartbisDb db, TimeProvider clock)
{
    public sealed record Item(string Trigger, bool Enabled, bool Email, bool WhatsApp, int DelayMinutes, int? Days, bool QuietHours);

    /// <summary>Every row checked, errors keyed "Items[i].Field" as the form names them. An unknown trigger is a forged form (400).</summary>
    public static Validation Validate(IReadOnlyList<Item> items)
    {
        var v = new Validation();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (Triggers.Find(item.Trigger) is not { } info)
                throw new OperationFailed("unknown_trigger", "unknown_automation", $"Items[{i}].Trigger", 400);
            v.Check(item.DelayMinutes is >= 0 and <= 10_080, $"Items[{i}].DelayMinutes", "delay_minutes_range");
            v.Check(info.DaysLabel is null || item.Days is >= 1 and <= 365, $"Items[{i}].Days", "days_range");
        }
        return v;
    }

    public async Task ExecuteAsync(IReadOnlyList<Item> items, AuditActor actor, CancellationToken ct = default)
    {
        Validate(items).ThrowIfInvalid();
        var now = clock.GetUtcNow();
        var rows = await db.AutomationSettings.ToListAsync(ct);
        // Switching an automation on (or WhatsApp for one) needs a plan that has it; switching off is always allowed.
        if (items.Any(i => i.Enabled && rows.FirstOrDefault(r => r.Trigger == i.Trigger) is not { Enabled: true }))
            await Plans.PlanLimits.EnsureFeatureAsync(db, Plans.PlanFeature.Automations, ct);
        if (items.Any(i => i.WhatsApp && rows.FirstOrDefault(r => r.Trigger == i.Trigger) is not { WhatsApp: true }))
            await Plans.PlanLimits.EnsureFeatureAsync(db, Plans.PlanFeature.WhatsApp, ct);
        foreach (var item in items)
        {
            var row = rows.FirstOrDefault(r => r.Trigger == item.Trigger);
            var before = row is null ? null : new { row.Enabled, row.Email, row.WhatsApp, row.DelayMinutes, row.Days, row.QuietHours };
            if (row is null) db.AutomationSettings.Add(row = AutomationSetting.Default(item.Trigger));
            var after = new { item.Enabled, item.Email, item.WhatsApp, item.DelayMinutes, Days = Triggers.Find(item.Trigger)!.DaysLabel is null ? null : item.Days, item.QuietHours };
            if (before is not null && before.Equals(after)) continue;
            (row.Enabled, row.Email, row.WhatsApp, row.DelayMinutes, row.Days, row.QuietHours, row.UpdatedAt) = (after.Enabled, after.Email, after.WhatsApp, after.DelayMinutes, after.Days, after.QuietHours, now);
            RecordAudit.Add(db, actor, now, "automation.update", $"Automation {item.Trigger} saved", "automation", item.Trigger, before, after, values: new { trigger = item.Trigger });
        }
        await db.SaveChangesAsync(ct);
    }
}
