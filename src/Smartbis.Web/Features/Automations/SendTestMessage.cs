using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Notifications.Email;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Automations;

/// <summary>The editor's test send: the template as typed, rendered for the sample customer, to the editor's own address.</summary>
public sealed class SendTestMessage(SmartbisDb db, IEmailSender email, TimeProvider clock, IConfiguration config)
{
    public async Task<RenderedMessage> PreviewAsync(string trigger, string locale, string subject, string body, CancellationToken ct = default)
    {
        var errors = RenderTemplate.Validate(trigger, subject, body);
        if (errors.Count > 0) throw new OperationFailed("template_invalid", new Dictionary<string, ErrorText[]>
        {
            ["body"] = [.. errors.Select(error => ErrorText.Of("template_error", new { error }))],
        });
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == db.Tenant.Require(), ct);
        var baseUrl = config["Smartbis:BaseUrl"] is { Length: > 0 } url ? url : "http://localhost:5000";
        var variables = TemplateVariables.Sample(tenant, locale, trigger, baseUrl, clock.GetUtcNow(), await Programs.RewardUnits.OfTenantAsync(db, ct));
        return RenderTemplate.Email(new TemplateText(subject, body), variables, TemplateVariables.Layout(tenant, locale));
    }

    public async Task ExecuteAsync(string trigger, string locale, string subject, string body, string to, CancellationToken ct = default)
    {
        var rendered = await PreviewAsync(trigger, locale, subject, body, ct);
        var settings = await Messaging.SettingsAsync(db, ct);
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(t => t.Id == db.Tenant.Require(), ct);
        await email.SendAsync(new EmailMessage(to, "[TEST] " + rendered.Subject, rendered.Html, rendered.Text)
        {
            FromName = settings.SenderName ?? tenant.Name, ReplyTo = settings.ReplyTo,
        }, ct);
    }
}
