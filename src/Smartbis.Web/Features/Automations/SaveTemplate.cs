using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// Saves the business's own wording of one trigger, channel and language (replacing the default), with its audit entry,
/// in one SaveChanges. The editor checks the syntax and variables beside each field first (<see cref="RenderTemplate.Validate"/>).
/// </summary>
public sealed class SaveTemplate(SmartbisDb db, TimeProvider clock)
{
    public sealed record Request(string Trigger, Channel Channel, string Locale, string Subject, string Body, string? WhatsAppTemplate, string? WhatsAppParameters);

    public async Task ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        if (Triggers.Find(r.Trigger) is null) throw new OperationFailed("not_found", "unknown_automation", "trigger", 404);
        var now = clock.GetUtcNow();
        var own = await db.MessageTemplates.SingleOrDefaultAsync(t => t.Trigger == r.Trigger && t.Channel == r.Channel && t.Locale == r.Locale, ct);
        var before = own is null ? null : new { own.Subject, own.Body, own.WhatsAppTemplate, own.WhatsAppParameters };
        if (own is null) db.MessageTemplates.Add(own = new MessageTemplate { Trigger = r.Trigger, Channel = r.Channel, Locale = r.Locale });
        (own.Subject, own.Body, own.WhatsAppTemplate, own.WhatsAppParameters, own.UpdatedAt) =
            (r.Subject.Trim(), r.Body.Trim(), NullIfBlank(r.WhatsAppTemplate), NullIfBlank(r.WhatsAppParameters), now);
        RecordAudit.Add(db, actor, now, "template.update", $"Template {r.Trigger}/{r.Channel}/{r.Locale} saved", "template", own.Id,
            before, new { own.Subject, own.Body, own.WhatsAppTemplate, own.WhatsAppParameters }, values: new { trigger = r.Trigger, channel = r.Channel, locale = r.Locale });
        await db.SaveChangesAsync(ct);
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
