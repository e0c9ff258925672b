using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Notifications.WhatsApp;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// /webhooks/whatsapp: the Cloud API's delivery statuses. GET answers Meta's verification challenge; POST must carry
/// X-Hub-Signature-256 = HMAC-SHA256(app secret, raw body) or is refused (401). Each (message id, status) is applied
/// once — a receipt row with that key — so a resent webhook changes nothing.
/// </summary>
public sealed class WhatsAppWebhook(IServiceScopeFactory scopes, IOptions<WhatsAppOptions> options, TimeProvider clock, ILogger<WhatsAppWebhook> log)
{
    public async Task HandleAsync(HttpContext http)
    {
        var o = options.Value;
        if (HttpMethods.IsGet(http.Request.Method))
        {
            var q = http.Request.Query;
            if (q["hub.mode"] == "subscribe" && !string.IsNullOrEmpty(o.VerifyToken) && q["hub.verify_token"] == o.VerifyToken)
            {
                http.Response.ContentType = "text/plain";
                await http.Response.WriteAsync(q["hub.challenge"].ToString());
                return;
            }
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        if (!HttpMethods.IsPost(http.Request.Method)) { http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed; return; }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        if (string.IsNullOrEmpty(o.AppSecret) || !SignatureMatches(o.AppSecret, body, http.Request.Headers["X-Hub-Signature-256"].ToString()))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        int applied;
        try { applied = await ApplyAsync(body, http.RequestAborted); }
        catch (JsonException) { http.Response.StatusCode = StatusCodes.Status400BadRequest; return; }
        log.LogInformation("WhatsApp webhook: {Applied} status changes applied", applied);
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool SignatureMatches(string secret, byte[] body, string header) =>
        header.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(header.Trim()));

    private static readonly Dictionary<string, (int Rank, MessageStatus Status)> Statuses = new()
    {
        ["sent"] = (1, MessageStatus.Sent), ["delivered"] = (2, MessageStatus.Delivered), ["read"] = (3, MessageStatus.Read), ["failed"] = (4, MessageStatus.Bounced),
    };

    private async Task<int> ApplyAsync(byte[] body, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(body);
        var applied = 0;
        foreach (var entry in Array(doc.RootElement, "entry"))
            foreach (var change in Array(entry, "changes"))
            {
                if (!change.TryGetProperty("value", out var value)) continue;
                // The business phone number the statuses are about (Meta sends it in every change).
                var phoneNumberId = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("metadata", out var meta) &&
                                    meta.ValueKind == JsonValueKind.Object && meta.TryGetProperty("phone_number_id", out var p) &&
                                    p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                foreach (var status in Array(value, "statuses"))
                {
                    var id = status.TryGetProperty("id", out var i) ? i.GetString() : null;
                    var name = status.TryGetProperty("status", out var st) ? st.GetString() : null;
                    if (id is null || name is null || !Statuses.TryGetValue(name, out var next)) continue;
                    var error = Array(status, "errors").Select(e => e.TryGetProperty("title", out var t) ? t.GetString() : null).FirstOrDefault(t => t is not null);
                    if (await ApplyOneAsync(phoneNumberId, id, name, next, error, ct)) applied++;
                }
            }
        return applied;
    }

    private async Task<bool> ApplyOneAsync(string? phoneNumberId, string providerId, string name, (int Rank, MessageStatus Status) next, string? error, CancellationToken ct)
    {
        Guid tenantId;
        await using (var lookup = scopes.CreateAsyncScope())
        {
            // The webhook does not say which tenant: the business phone number names it (tenant_keys, one local read of a
            // reference table on a Citus cluster); without it, the provider's message id does (every shard on a cluster).
            // The one cross-tenant read here.
            var lookupDb = lookup.ServiceProvider.GetRequiredService<SmartbisDb>();
            var found = await CrossTenantRead.RunAsync(lookupDb, CrossTenantPurpose.WhatsAppStatusByProviderId, async () =>
                (phoneNumberId is null ? null : await lookupDb.TenantKeys.IgnoreQueryFilters()
                    .Where(k => k.Kind == TenantKeyKinds.WhatsAppPhoneNumberId && k.Key == phoneNumberId).Select(k => (Guid?)k.TenantId).FirstOrDefaultAsync(ct))
                ?? await lookupDb.Messages.IgnoreQueryFilters()
                    .Where(m => m.ProviderMessageId == providerId).Select(m => (Guid?)m.TenantId).FirstOrDefaultAsync(ct));
            if (found is null) return false;
            tenantId = found.Value;
        }
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        var db = scope.ServiceProvider.GetRequiredService<SmartbisDb>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var fresh = await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO whatsapp_status_receipts (tenant_id, provider_message_id, status, received_at)
            VALUES ({tenantId}, {providerId}, {name}, {now}) ON CONFLICT DO NOTHING
            """, ct);
        if (fresh == 0) return false; // seen before: a duplicate changes nothing
        var m = await db.Messages.SingleOrDefaultAsync(x => x.ProviderMessageId == providerId, ct);
        if (m is null) return false; // a number of this tenant, a message it never sent
        var current = Statuses.Values.FirstOrDefault(s => s.Status == m.Status).Rank;
        if (next.Rank > current)
        {
            m.Status = next.Status;
            if (next.Status is MessageStatus.Delivered or MessageStatus.Read) m.DeliveredAt ??= now;
            if (next.Status == MessageStatus.Bounced) m.Error = error ?? "WhatsApp reported the message as failed.";
        }
        db.MessageAttempts.Add(new MessageAttempt { MessageId = m.Id, Number = m.Attempts, At = now, Outcome = name, Detail = error });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];
}
