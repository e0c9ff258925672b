using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Web.Features.Automations;

/// <summary>Puts one trigger, channel and language back to the default wording (deletes the business's own), with its audit entry.</summary>
public sealed class ResetTemplate(SmartbisDb db, TimeProvider clock)
{
    public async Task ExecuteAsync(string trigger, Channel channel, string locale, AuditActor actor, CancellationToken ct = default)
    {
        var own = await db.MessageTemplates.SingleOrDefaultAsync(t => t.Trigger == trigger && t.Channel == channel && t.Locale == locale, ct);
        if (own is null) return; // already the default
        db.MessageTemplates.Remove(own);
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "template.reset", $"Template {trigger}/{channel}/{locale} back to the default", "template", own.Id, values: new { trigger, channel, locale });
        await db.SaveChangesAsync(ct);
    }
}
