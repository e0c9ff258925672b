using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Integrations;

/// <summary>
/// The webhook job (every minute, and on demand after a redeliver). For each tenant:
/// 1. queue: outbox events of the subscribed types newer than the subscription's cursor become deliveries
///    (unique per subscription and event, so scanning twice queues once; the scan overlaps the cursor by a few
///    minutes so an event whose transaction committed late is not skipped);
/// 2. send: due deliveries are leased, POSTed with their signature, and marked delivered on 2xx or retried with
///    exponential backoff (30 s, 1 min, 2 min… capped at 2 h) until 24 hours have passed, then failed.
/// Outbox rows are only read: automations own their processed_at.
/// </summary>
public sealed class DeliverWebhooks(IServiceScopeFactory scopes, IHttpClientFactory http, TimeProvider clock, ILogger<DeliverWebhooks> log)
{
    public const int RetryHours = 24;
    public const string HttpClientName = "webhooks";
    private static readonly TimeSpan Overlap = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(30 * Math.Pow(2, Math.Max(0, attempts - 1)), 2 * 3600));

    /// <summary>Every tenant with an active subscription or a pending delivery (the one cross-tenant read here).</summary>
    public async Task RunAllAsync(CancellationToken ct)
    {
        List<Guid> tenants;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
            tenants = await CrossTenantRead.RunAsync(db, CrossTenantPurpose.WebhookFanOut, () =>
                db.WebhookSubscriptions.IgnoreQueryFilters().Where(s => s.Active).Select(s => s.TenantId)
                    .Union(db.WebhookDeliveries.IgnoreQueryFilters().Where(d => d.Status == DeliveryStatus.Pending).Select(d => d.TenantId))
                    .Distinct().ToListAsync(ct));
        }
        foreach (var tenantId in tenants)
        {
            try { await RunAsync(tenantId, ct); }
            catch (Exception e) when (e is not OperationCanceledException) { log.LogError(e, "Webhooks of tenant {TenantId} failed", tenantId); }
        }
    }

    public async Task RunAsync(Guid tenantId, CancellationToken ct)
    {
        // A suspended tenant's deliveries wait (nothing is deleted); reactivation resumes them.
        if (await Operations.Suspension.IsSuspendedAsync(scopes, tenantId, ct)) return;
        await QueueAsync(tenantId, ct);
        await SendDueAsync(tenantId, ct);
    }

    private async Task QueueAsync(Guid tenantId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var slug = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Slug).SingleAsync(ct);
        var now = clock.GetUtcNow();
        foreach (var sub in await db.WebhookSubscriptions.Where(s => s.Active).ToListAsync(ct))
        {
            var from = sub.CursorAt - Overlap;
            var events = await db.OutboxEvents.AsNoTracking()
                .Where(e => e.CreatedAt > from && e.CreatedAt >= sub.CreatedAt && sub.Events.Contains(e.Type))
                .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id).Take(500).ToListAsync(ct);
            if (events.Count == 0) continue;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var e in events)
            {
                var body = Body(e, slug);
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO webhook_deliveries (tenant_id, id, subscription_id, event_id, event_type, body, status, attempts, created_at, next_attempt_at, give_up_at)
                    VALUES ({tenantId}, {Guid.CreateVersion7()}, {sub.Id}, {e.Id}, {e.Type}, {body}, 'Pending', 0, {now}, {now}, {now.AddHours(RetryHours)})
                    ON CONFLICT (tenant_id, subscription_id, event_id) DO NOTHING
                    """, ct);
            }
            var last = events[^1].CreatedAt;
            if (last > sub.CursorAt) sub.CursorAt = last;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>The body receivers get: { id, type, occurredAt, tenant, data } — id is the outbox event id (de-duplicate on it).</summary>
    public static string Body(Ledger.OutboxEvent e, string tenantSlug)
    {
        var data = JsonNode.Parse(e.Payload.RootElement.GetRawText()) as JsonObject ?? new JsonObject();
        if (e.CustomerId is { } c && !data.ContainsKey("customerId")) data["customerId"] = c;
        var body = new JsonObject
        {
            ["id"] = e.Id, ["type"] = e.Type, ["occurredAt"] = e.CreatedAt.ToUniversalTime(), ["tenant"] = tenantSlug, ["data"] = data,
        };
        return body.ToJsonString(JsonSerializerOptions.Web);
    }

    private async Task SendDueAsync(Guid tenantId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        var now = clock.GetUtcNow();
        // Lease the due deliveries (another node's run skips them) without holding a transaction during HTTP calls.
        var leased = await db.Database.SqlQuery<Guid>($"""
            UPDATE webhook_deliveries SET next_attempt_at = {now + Lease}
            WHERE tenant_id = {tenantId} AND id IN (
                SELECT id FROM webhook_deliveries WHERE tenant_id = {tenantId} AND status = 'Pending' AND next_attempt_at <= {now}
                ORDER BY next_attempt_at LIMIT 100 FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        if (leased.Count == 0) return;
        var deliveries = await db.WebhookDeliveries.Where(d => leased.Contains(d.Id)).OrderBy(d => d.CreatedAt).ToListAsync(ct);
        var subIds = deliveries.Select(d => d.SubscriptionId).Distinct().ToList();
        var subs = await db.WebhookSubscriptions.Where(s => subIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        var client = http.CreateClient(HttpClientName);
        var protection = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>();
        foreach (var d in deliveries)
        {
            var sub = subs[d.SubscriptionId];
            var attempt = new WebhookAttempt { DeliveryId = d.Id, Number = d.Attempts + 1, At = clock.GetUtcNow() };
            var watch = Stopwatch.StartNew();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, sub.Url) { Content = new StringContent(d.Body, Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(WebhookSecrets.Reveal(protection, sub.Secret), attempt.At.ToUnixTimeSeconds(), d.Body));
                request.Headers.TryAddWithoutValidation(WebhookSignature.EventIdHeader, d.EventId.ToString());
                request.Headers.UserAgent.ParseAdd("Smartbis-Webhooks/1.0");
                using var response = await client.SendAsync(request, ct);
                attempt.StatusCode = (int)response.StatusCode;
                var text = await response.Content.ReadAsStringAsync(ct);
                attempt.ResponseBody = text.Length <= 1000 ? text : text[..1000];
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                attempt.Error = e.Message.Length <= 500 ? e.Message : e.Message[..500];
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                // A secret protected by a key ring this deployment no longer has: say so in the delivery log, and let
                // the other deliveries of the batch go on.
                attempt.Error = "The signing secret cannot be decrypted (saved with a Data Protection key this deployment no longer has): create the subscription's secret again.";
            }
            attempt.DurationMs = (int)watch.ElapsedMilliseconds;
            db.WebhookAttempts.Add(attempt);

            var after = clock.GetUtcNow();
            d.Attempts = attempt.Number;
            d.LastStatusCode = attempt.StatusCode;
            d.LastError = attempt.Error ?? (attempt.StatusCode is >= 200 and < 300 ? null : $"HTTP {attempt.StatusCode}");
            if (attempt.StatusCode is >= 200 and < 300)
            {
                d.Status = DeliveryStatus.Delivered;
                d.DeliveredAt = after;
            }
            else if (after + Backoff(d.Attempts) > d.GiveUpAt)
                d.Status = DeliveryStatus.Failed;
            else
                d.NextAttemptAt = after + Backoff(d.Attempts);
            await db.SaveChangesAsync(ct);
        }
    }
}
