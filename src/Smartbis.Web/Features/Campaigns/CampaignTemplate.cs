using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Automations;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>How the automations' delivery finds a campaign message's wording: the campaign id in the message's variables.</summary>
public static class CampaignTemplate
{
    public const string Variable = "campaignId";

    public static Guid? CampaignOf(Message m) =>
        m.Variables.RootElement.TryGetProperty(Variable, out var v) && v.TryGetGuid(out var id) ? id : null;

    /// <summary>The campaign's subject, body and WhatsApp template; a missing campaign is a template error (the message fails, not retried).</summary>
    public static async Task<TemplateText> ForAsync(SmartbisDb db, Guid campaignId, CancellationToken ct) =>
        await db.Set<Campaign>().AsNoTracking().Where(c => c.Id == campaignId)
            .Select(c => new TemplateText(c.Subject, c.Body, c.WhatsAppTemplate, c.WhatsAppParameters)).SingleOrDefaultAsync(ct)
        ?? throw new TemplateException("The campaign of this message no longer exists.");
}
