using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Web.Features.Automations;

/// <summary>Reads a tenant's messaging settings and trigger settings, making the settings row on first use.</summary>
public static class Messaging
{
    public static async Task<MessagingSettings> SettingsAsync(SmartbisDb db, CancellationToken ct = default)
    {
        var tenantId = db.Tenant.Require();
        var found = await db.MessagingSettings.SingleOrDefaultAsync(ct);
        if (found is not null) return found;
        var fresh = new MessagingSettings { TenantId = tenantId };
        // Two first uses may race: the loser's insert does nothing and both read the winner's row (and its link key).
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO messaging_settings (tenant_id, quiet_from, quiet_until, max_per_day, max_per_week, link_key, updated_at)
            VALUES ({tenantId}, {fresh.QuietFrom}, {fresh.QuietUntil}, {fresh.MaxPerDay}, {fresh.MaxPerWeek}, {fresh.LinkKey}, {DateTimeOffset.UtcNow})
            ON CONFLICT (tenant_id) DO NOTHING
            """, ct);
        return await db.MessagingSettings.SingleAsync(ct);
    }

    public static async Task<AutomationSetting> TriggerAsync(SmartbisDb db, string trigger, CancellationToken ct = default) =>
        await db.AutomationSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Trigger == trigger, ct) ?? AutomationSetting.Default(trigger);

    /// <summary>The tenant's template for a trigger/channel/language, else the built-in default.</summary>
    public static async Task<TemplateText> TemplateAsync(SmartbisDb db, string trigger, Channel channel, string locale, CancellationToken ct = default)
    {
        var lang = DefaultTemplates.NormalizeLocale(locale);
        var own = await db.MessageTemplates.AsNoTracking()
            .Where(t => t.Trigger == trigger && t.Channel == channel && t.Locale == lang)
            .Select(t => new TemplateText(t.Subject, t.Body, t.WhatsAppTemplate, t.WhatsAppParameters)).SingleOrDefaultAsync(ct);
        return own ?? DefaultTemplates.For(trigger, channel, lang, await Programs.RewardUnits.OfTenantAsync(db, ct));
    }

    /// <summary>A stable id for "this customer, this occasion" (a birthday in a year), so the unique key holds it to once.</summary>
    public static Guid StableId(string text) => new(MD5.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>Quiet hours in the tenant's time zone: a message due inside them waits until they end.</summary>
public static class QuietHours
{
    public static DateTimeOffset NextAllowed(DateTimeOffset at, string timeZone, TimeOnly from, TimeOnly until)
    {
        if (from == until) return at;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var z) ? z : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var inside = from < until ? time >= from && time < until : time >= from || time < until;
        if (!inside) return at;
        var day = DateOnly.FromDateTime(local.DateTime);
        // Past midnight of a window that wraps (21:00–08:00 at 02:00) ends today; before midnight, tomorrow.
        var endDay = from < until || time < until ? day : day.AddDays(1);
        var endLocal = endDay.ToDateTime(until);
        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal)).ToUniversalTime();
    }
}
