using System.Security.Cryptography;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Integrations;

/// <summary>Subscribes a URL to events. The secret is returned once; events from now on are delivered.</summary>
public sealed class CreateWebhookSubscription(SmartbisDb db, WebhookTargets targets, TimeProvider clock,
    Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection)
{
    public sealed record Request(string Url, IReadOnlyList<string> Events);
    public sealed record Result(Guid Id, string Secret);

    public async Task<Result> ExecuteAsync(Request r, AuditActor actor, CancellationToken ct = default)
    {
        var v = new Validation();
        var urlProblem = await targets.CheckUrlAsync(r.Url, ct);
        v.Check(urlProblem is null, "url", urlProblem ?? "");
        var events = (r.Events ?? []).Distinct().ToList();
        v.Check(events.Count > 0, "events", "events_required");
        v.Check(events.All(e => WebhookSubscription.Supported.Contains(e)), "events", "event_unknown");
        v.ThrowIfInvalid();

        var now = clock.GetUtcNow();
        var secret = "whsec_" + ApiKey.Base64Url(RandomNumberGenerator.GetBytes(24));
        var sub = new WebhookSubscription
        {
            Url = r.Url.Trim(), Events = events, Secret = WebhookSecrets.Protect(protection, secret),
            CreatedAt = now, CursorAt = now, CreatedByUserId = actor.UserId,
        };
        db.WebhookSubscriptions.Add(sub);
        RecordAudit.Add(db, actor, now, "webhook.create", $"Webhook to {sub.Url} created", "WebhookSubscription", sub.Id,
            after: new { sub.Url, sub.Events }, values: new { url = sub.Url });
        await db.SaveChangesAsync(ct);
        return new Result(sub.Id, secret);
    }
}
