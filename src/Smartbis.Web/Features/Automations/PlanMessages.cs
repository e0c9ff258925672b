using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// Turns "this trigger happened to this customer about this subject" into message rows, per the tenant's
/// automations: trigger on/off, channels, delay, quiet hours, frequency cap, consent. Never to an unclaimed
/// walk-in, a blocked or anonymized customer, a control-group member while the holdout is on, or on a channel without consent. At most once per
/// (trigger, subject, channel): the insert does nothing when the unique key already holds a row.
/// Runs inside the caller's transaction.
/// </summary>
public static class PlanMessages
{
    public sealed record Request(string Trigger, Guid CustomerId, Guid SubjectId, object Variables, Guid? EventId = null);

    /// <summary>Returns the messages written (scheduled or skipped by the cap).</summary>
    public static async Task<int> PlanAsync(SmartbisDb db, Request r, DateTimeOffset now, CancellationToken ct = default)
    {
        var setting = await Messaging.TriggerAsync(db, r.Trigger, ct);
        if (!setting.Enabled || (!setting.Email && !setting.WhatsApp)) return 0;
        var customer = await db.Customers.AsNoTracking().SingleOrDefaultAsync(c => c.Id == r.CustomerId, ct);
        if (customer is not { IsClaimed: true, Status: CustomerStatus.Active }) return 0;
        // The control group gets no automated messages while the holdout is on (the one rule: Results/ControlGroup.cs).
        if (customer.InControlGroup && !Results.ControlGroup.ReceivesAutomatedMessages(customer, await Results.ControlGroup.InForceAsync(db, ct))) return 0;

        var settings = await Messaging.SettingsAsync(db, ct);
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == db.Tenant.Require(), ct);
        var channels = new List<(Channel Channel, string Recipient)>();
        if (setting.Email && customer.EmailConsent && !string.IsNullOrEmpty(customer.Email)) channels.Add((Channel.Email, customer.Email));
        if (setting.WhatsApp && customer.WhatsAppConsent && !string.IsNullOrEmpty(customer.Phone) && settings.HasWhatsApp) channels.Add((Channel.WhatsApp, customer.Phone));
        if (channels.Count == 0) return 0;

        // One planner at a time per customer, so two events at once cannot both slip under the cap.
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"msg:" + customer.Id}, 0))", ct);

        var due = now.AddMinutes(Math.Max(0, setting.DelayMinutes));
        var notBefore = setting.QuietHours ? QuietHours.NextAllowed(due, tenant.TimeZone, settings.QuietFrom, settings.QuietUntil) : due;
        var json = JsonSerializer.Serialize(r.Variables, JsonSerializerOptions.Web);
        var written = 0;
        foreach (var (channel, recipient) in channels)
        {
            var capped = await OverCapAsync(db, customer.Id, channel, settings, now, ct);
            var status = capped is null ? MessageStatus.Scheduled : MessageStatus.Skipped;
            written += await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO messages (tenant_id, id, trigger, subject_id, channel, customer_id, event_id, locale, status, recipient,
                                      variables, created_at, not_before, attempts, error)
                VALUES ({tenant.Id}, {Guid.CreateVersion7()}, {r.Trigger}, {r.SubjectId}, {channel.ToString()}, {customer.Id}, {r.EventId},
                        {DefaultTemplates.NormalizeLocale(customer.Locale ?? tenant.Locale)}, {status.ToString()}, {recipient},
                        CAST({json} AS jsonb), {now}, {notBefore}, 0, {capped})
                ON CONFLICT (tenant_id, trigger, subject_id, channel) DO NOTHING
                """, ct);
        }
        return written;
    }

    private static async Task<string?> OverCapAsync(SmartbisDb db, Guid customerId, Channel channel, MessagingSettings s, DateTimeOffset now, CancellationToken ct)
    {
        if (s.MaxPerDay <= 0 && s.MaxPerWeek <= 0) return null;
        var counted = db.Messages.Where(m => m.CustomerId == customerId && m.Channel == channel && m.Status != MessageStatus.Skipped && m.Trigger != Triggers.Test);
        if (s.MaxPerDay > 0 && await counted.CountAsync(m => m.CreatedAt > now.AddDays(-1), ct) >= s.MaxPerDay)
            return $"Frequency cap: {s.MaxPerDay} per day";
        if (s.MaxPerWeek > 0 && await counted.CountAsync(m => m.CreatedAt > now.AddDays(-7), ct) >= s.MaxPerWeek)
            return $"Frequency cap: {s.MaxPerWeek} per week";
        return null;
    }
}
