using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// <see cref="PlanMessages"/> for many requests of one trigger at once, for the nightly scans (a win-back's first night
/// plans most of a tenant's members): one statement per call instead of about eight round trips per message.
/// It applies the same rules in SQL — trigger on/off and channels, claimed and active customers only, not the control group while the holdout is on, consent and a
/// recipient per channel, delay and quiet hours, the frequency cap per customer and channel (counting the earlier
/// requests of the same call, in order), once per (trigger, subject, channel) — and takes the same per-customer
/// advisory lock, so it cannot race <see cref="PlanMessages"/> under the cap. Runs inside the caller's transaction;
/// keep a call to about a thousand customers (one advisory lock each, held to the commit).
/// </summary>
public static class PlanMessagesInBulk
{
    /// <summary>Returns the messages written (scheduled or skipped by the cap).</summary>
    /// <param name="setting">The trigger's setting (on/off, channels, delay, quiet hours); null = the tenant's for the trigger.
    /// A campaign passes its own (its channels, quiet hours always on).</param>
    public static async Task<int> PlanAsync(SmartbisDb db, string trigger, IReadOnlyList<PlanMessages.Request> requests, DateTimeOffset now,
        CancellationToken ct = default, AutomationSetting? setting = null)
    {
        if (requests.Count == 0) return 0;
        if (requests.Any(r => r.Trigger != trigger)) throw new ArgumentException("Every request must be for the trigger planned.", nameof(requests));
        setting ??= await Messaging.TriggerAsync(db, trigger, ct);
        if (!setting.Enabled || (!setting.Email && !setting.WhatsApp)) return 0;
        var settings = await Messaging.SettingsAsync(db, ct);
        var tenantId = db.Tenant.Require();
        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => new { t.TimeZone, t.Locale }).SingleAsync(ct);

        var email = setting.Email;
        var whatsApp = setting.WhatsApp && settings.HasWhatsApp;
        if (!email && !whatsApp) return 0;
        // The same moment for every request of the call, as PlanMessages computes it for each.
        var due = now.AddMinutes(Math.Max(0, setting.DelayMinutes));
        var notBefore = setting.QuietHours ? QuietHours.NextAllowed(due, tenant.TimeZone, settings.QuietFrom, settings.QuietUntil) : due;
        var customerIds = requests.Select(r => r.CustomerId).ToArray();
        var holdsOut = Results.ControlGroup.HoldsOut(await Results.ControlGroup.InForceAsync(db, ct));

        // One planner at a time per customer (PlanMessages takes the same lock), in key order so two bulk planners cannot
        // deadlock. Every requested customer is locked (those the plan will skip too): the statement reads no table, so on
        // a Citus cluster it runs on the coordinator, where PlanMessages takes its lock — a lock inside a query on a
        // tenant table would be taken on the worker that holds the shard, and would not exclude PlanMessages.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            SELECT pg_advisory_xact_lock(s.k) FROM (
                SELECT DISTINCT hashtextextended('msg:' || c::text, 0) AS k FROM unnest({customerIds}::uuid[]) AS c
                ORDER BY 1) s
            """, ct);

        // Counted after the locks (a new statement, a new snapshot): what other planners committed is seen.
        var subjectIds = requests.Select(r => r.SubjectId).ToArray();
        var eventIds = requests.Select(r => r.EventId).ToArray();
        var variables = requests.Select(r => JsonSerializer.Serialize(r.Variables, JsonSerializerOptions.Web)).ToArray();
        var emailIds = requests.Select(_ => Guid.CreateVersion7()).ToArray();
        var whatsAppIds = requests.Select(_ => Guid.CreateVersion7()).ToArray();
        var (perDay, perWeek) = (settings.MaxPerDay, settings.MaxPerWeek);
        var (dayCap, weekCap) = ($"Frequency cap: {perDay} per day", $"Frequency cap: {perWeek} per week");
        var (dayAgo, weekAgo) = (now.AddDays(-1), now.AddDays(-7));
        var (emailName, whatsAppName) = (Channel.Email.ToString(), Channel.WhatsApp.ToString());
        return await db.Database.ExecuteSqlInterpolatedAsync($"""
            WITH items AS (
                SELECT * FROM unnest({customerIds}::uuid[], {subjectIds}::uuid[], {eventIds}::uuid[], {variables}::text[], {emailIds}::uuid[], {whatsAppIds}::uuid[])
                    WITH ORDINALITY AS i(customer_id, subject_id, event_id, variables, email_id, whatsapp_id, ord)
            ), targets AS (
                -- Claimed, active customers only; a channel only with its consent and a recipient; not a subject already planned.
                SELECT c.tenant_id, i.ord, i.customer_id, i.subject_id, i.event_id, i.variables, ch.id, ch.channel, ch.recipient,
                       CASE WHEN lower(left(coalesce(c.locale, {tenant.Locale}), 2)) = 'en' THEN 'en' ELSE 'pt-BR' END AS locale
                FROM items i
                JOIN customers c ON c.tenant_id = {tenantId} AND c.id = i.customer_id
                CROSS JOIN LATERAL (VALUES (i.email_id, {emailName}, c.email, {email} AND c.email_consent),
                                           (i.whatsapp_id, {whatsAppName}, c.phone, {whatsApp} AND c.whats_app_consent)) AS ch(id, channel, recipient, allowed)
                -- A probe per row (LATERAL … LIMIT 1), not NOT EXISTS: with statistics that do not yet know this night's
                -- rows, the planner scanned every message of the trigger for each chunk, and the first night went quadratic.
                LEFT JOIN LATERAL (SELECT true AS found FROM messages m
                                   WHERE m.tenant_id = {tenantId} AND m.trigger = {trigger} AND m.subject_id = i.subject_id AND m.channel = ch.channel
                                   LIMIT 1) planned ON true
                WHERE c.joined_at IS NOT NULL AND c.status = {CustomerStatus.Active.ToString()} AND ch.allowed AND coalesce(ch.recipient, '') <> ''
                  -- the control group gets no automated messages while the holdout is on (Results/ControlGroup.cs)
                  AND NOT ({holdsOut} AND c.in_control_group)
                  AND planned.found IS NULL
            ), counted AS (
                -- The cap as PlanMessages applies it one request after another: what was sent in the last day and week on
                -- the channel, plus the earlier requests of this call that were not skipped.
                SELECT t.*, sent.day, sent.week,
                       row_number() OVER (PARTITION BY t.customer_id, t.channel ORDER BY t.ord) AS n,
                       least(CASE WHEN {perDay} > 0 THEN greatest({perDay} - sent.day, 0) END,
                             CASE WHEN {perWeek} > 0 THEN greatest({perWeek} - sent.week, 0) END) AS room
                FROM targets t
                CROSS JOIN LATERAL (
                    SELECT count(*) FILTER (WHERE m.created_at > {dayAgo}) AS day, count(*) AS week
                    FROM messages m
                    WHERE m.tenant_id = {tenantId} AND m.customer_id = t.customer_id AND m.channel = t.channel
                      AND m.status <> {MessageStatus.Skipped.ToString()} AND m.trigger <> {Triggers.Test} AND m.created_at > {weekAgo}) sent
            ), decided AS (
                SELECT c.*, CASE WHEN c.room IS NULL OR c.n <= c.room THEN NULL
                                 WHEN {perDay} > 0 AND c.day + c.room >= {perDay} THEN {dayCap}
                                 ELSE {weekCap} END AS error
                FROM counted c
            )
            -- tenant_id from the customer row, not the parameter: on a Citus cluster the whole statement then runs on the
            -- tenant's shard (a constant would make the coordinator pull the rows and COPY them, which row-level security refuses).
            INSERT INTO messages (tenant_id, id, trigger, subject_id, channel, customer_id, event_id, locale, status, recipient,
                                  variables, created_at, not_before, attempts, error)
            SELECT d.tenant_id, d.id, {trigger}, d.subject_id, d.channel, d.customer_id, d.event_id, d.locale,
                   CASE WHEN d.error IS NULL THEN {MessageStatus.Scheduled.ToString()} ELSE {MessageStatus.Skipped.ToString()} END,
                   d.recipient, CAST(d.variables AS jsonb), {now}, {notBefore}, 0, d.error
            FROM decided d
            ORDER BY d.ord, d.channel
            ON CONFLICT (tenant_id, trigger, subject_id, channel) DO NOTHING
            """, ct);
    }
}
