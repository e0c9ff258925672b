using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Pages.App.Integrations;

/// <summary>API keys (created and shown once, revoked) and webhooks (subscriptions, secret shown once, delivery log, redeliver).</summary>
[Authorize(Policy = Policies.Manager)]
public sealed class IndexModel(SmartbisDb db, CurrentStaff staff, TimeProvider clock, IStringLocalizer<IntegrationsText> L) : PageModel
{
    public sealed record KeyRow(Guid Id, string Name, string Prefix, string? Store, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
    public sealed record SubscriptionRow(Guid Id, string Url, List<string> Events, bool Active, DateTimeOffset CreatedAt);
    public sealed record AttemptRow(int Number, DateTimeOffset At, int? StatusCode, string? Error, int DurationMs);
    public sealed record DeliveryRow(Guid Id, Guid EventId, string EventType, string Url, DeliveryStatus Status, int Attempts, int? LastStatusCode,
        string? LastError, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, List<AttemptRow> Log);

    public List<KeyRow> Keys { get; private set; } = [];
    public List<(Guid Id, string Name)> Stores { get; private set; } = [];
    public List<SubscriptionRow> Subscriptions { get; private set; } = [];
    public List<DeliveryRow> Deliveries { get; private set; } = [];

    /// <summary>Shown once, right after creation.</summary>
    public string? NewKey { get; private set; }
    public string? NewSecret { get; private set; }
    public string? Message { get; private set; }

    [BindProperty] public KeyInput Key { get; set; } = new();
    [BindProperty] public WebhookInput Webhook { get; set; } = new();

    public sealed class KeyInput
    {
        [Display(Name = "Name")] public string? Name { get; set; }
        [Display(Name = "Store")] public Guid? StoreId { get; set; }
    }

    public sealed class WebhookInput
    {
        [Display(Name = "URL")] public string? Url { get; set; }
        public List<string> Events { get; set; } = [];
    }

    public async Task OnGetAsync(string? done = null)
    {
        Message = done switch
        {
            "revoked" => L["The key was revoked: requests with it are refused from now on."].Value,
            "disabled" => L["The webhook was turned off."].Value,
            "redelivered" => L["The event will be sent again in a moment."].Value,
            _ => null,
        };
        await LoadAsync();
    }

    public async Task<IActionResult> OnPostCreateKeyAsync(CancellationToken ct)
    {
        try
        {
            var created = await HttpContext.RequestServices.GetRequiredService<CreateApiKey>()
                .ExecuteAsync(new CreateApiKey.Request(Key.Name ?? "", Key.StoreId), AuditActor.From(HttpContext, staff), ct);
            NewKey = created.Key;
            Key = new KeyInput();
            ModelState.Clear();
        }
        catch (OperationFailed e)
        {
            AddErrors(e, "Key");
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeKeyAsync(Guid id, CancellationToken ct)
    {
        await HttpContext.RequestServices.GetRequiredService<RevokeApiKey>().ExecuteAsync(id, AuditActor.From(HttpContext, staff), ct);
        return RedirectToPage(new { done = "revoked" });
    }

    public async Task<IActionResult> OnPostCreateWebhookAsync(CancellationToken ct)
    {
        try
        {
            var created = await HttpContext.RequestServices.GetRequiredService<CreateWebhookSubscription>()
                .ExecuteAsync(new CreateWebhookSubscription.Request(Webhook.Url ?? "", Webhook.Events), AuditActor.From(HttpContext, staff), ct);
            NewSecret = created.Secret;
            Webhook = new WebhookInput();
            ModelState.Clear();
        }
        catch (OperationFailed e)
        {
            AddErrors(e, "Webhook");
        }
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostDisableWebhookAsync(Guid id, CancellationToken ct)
    {
        await HttpContext.RequestServices.GetRequiredService<DisableWebhookSubscription>().ExecuteAsync(id, AuditActor.From(HttpContext, staff), ct);
        return RedirectToPage(new { done = "disabled" });
    }

    public async Task<IActionResult> OnPostRedeliverAsync(Guid id, CancellationToken ct)
    {
        await HttpContext.RequestServices.GetRequiredService<RedeliverWebhook>().ExecuteAsync(id, AuditActor.From(HttpContext, staff), ct);
        return RedirectToPage(new { done = "redelivered" });
    }

    private void AddErrors(OperationFailed e, string prefix)
    {
        foreach (var (field, messages) in ErrorTexts.Render(e, HttpContext))
            foreach (var m in messages)
                ModelState.AddModelError(field.Length == 0 ? "" : $"{prefix}.{char.ToUpperInvariant(field[0])}{field[1..]}", m);
    }

    private async Task LoadAsync()
    {
        Stores = (await db.Stores.Where(s => s.Active).OrderBy(s => s.Name).Select(s => new { s.Id, s.Name }).ToListAsync())
            .Select(s => (s.Id, s.Name)).ToList();
        Keys = await db.ApiKeys.OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.CreatedAt)
            .Select(k => new KeyRow(k.Id, k.Name, k.Prefix, db.Stores.Where(s => s.Id == k.StoreId).Select(s => s.Name).FirstOrDefault(),
                k.CreatedAt, k.LastUsedAt, k.RevokedAt))
            .ToListAsync();
        Subscriptions = await db.WebhookSubscriptions.OrderByDescending(s => s.Active).ThenByDescending(s => s.CreatedAt)
            .Select(s => new SubscriptionRow(s.Id, s.Url, s.Events, s.Active, s.CreatedAt)).ToListAsync();
        var deliveries = await db.WebhookDeliveries.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Take(50)
            .Select(d => new
            {
                d.Id, d.EventId, d.EventType, Url = db.WebhookSubscriptions.Where(s => s.Id == d.SubscriptionId).Select(s => s.Url).First(),
                d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.CreatedAt, d.NextAttemptAt, d.DeliveredAt,
            }).ToListAsync();
        var ids = deliveries.Select(d => d.Id).ToList();
        var attempts = (await db.WebhookAttempts.Where(a => ids.Contains(a.DeliveryId)).OrderBy(a => a.Number)
                .Select(a => new { a.DeliveryId, Row = new AttemptRow(a.Number, a.At, a.StatusCode, a.Error, a.DurationMs) }).ToListAsync())
            .ToLookup(a => a.DeliveryId, a => a.Row);
        Deliveries = deliveries.Select(d => new DeliveryRow(d.Id, d.EventId, d.EventType, d.Url, d.Status, d.Attempts, d.LastStatusCode, d.LastError,
            d.CreatedAt, d.NextAttemptAt, d.DeliveredAt, attempts[d.Id].ToList())).ToList();
    }

    /// <summary>A time in the tenant's zone, for display.</summary>
    public string Local(DateTimeOffset? at)
    {
        if (at is null) return "—";
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(staff.Tenant?.TimeZone ?? "UTC", out var z) ? z : TimeZoneInfo.Utc;
        return TimeZoneInfo.ConvertTime(at.Value, zone).ToString("g", System.Globalization.CultureInfo.CurrentCulture);
    }

    public DateTimeOffset Now => clock.GetUtcNow();
}
