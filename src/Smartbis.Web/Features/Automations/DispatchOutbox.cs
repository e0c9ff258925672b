using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// Outbox → messages: reads the tenant's unprocessed outbox events (locked, skipping rows another run holds),
/// plans the messages their triggers call for and marks them processed, in one transaction per batch — so an
/// event becomes its messages exactly once, whether this runs right after the commit or from the sweeper.
/// Events older than <see cref="MaxAge"/> are marked processed without messages: old news is not news.
/// </summary>
public sealed class DispatchOutbox(LedgerUnit unit, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(3);
    private const int Batch = 200;

    public sealed record Result(int Events, int Messages);

    public async Task<Result> ExecuteAsync(Guid tenantId, CancellationToken ct = default)
    {
        int events = 0, messages = 0;
        while (true)
        {
            var (n, m) = await unit.RunAsync(tenantId, db => DispatchBatchAsync(db, ct), ct);
            events += n; messages += m;
            if (n < Batch) return new Result(events, messages);
        }
    }

    private async Task<(int, int)> DispatchBatchAsync(SmartbisDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var tenantId = db.Tenant.Require();
        var batch = await db.OutboxEvents
            .FromSqlInterpolated($"""
                SELECT * FROM outbox_events WHERE tenant_id = {tenantId} AND processed_at IS NULL
                ORDER BY created_at LIMIT {Batch} FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(ct);
        var planned = 0;
        foreach (var e in batch)
        {
            if (Triggers.ForEvent(e) is { } trigger && e.CustomerId is { } customerId && now - e.CreatedAt <= MaxAge)
                planned += await PlanMessages.PlanAsync(db, new PlanMessages.Request(trigger, customerId, e.SubjectId ?? e.Id, VariablesOf(e), e.Id), now, ct);
            e.ProcessedAt = now;
        }
        await db.SaveChangesAsync(ct);
        return (batch.Count, planned);
    }

    /// <summary>What the templates need from the event's payload (the rest is read when the message is sent).</summary>
    private static Dictionary<string, object?> VariablesOf(OutboxEvent e)
    {
        var p = e.Payload.RootElement;
        var v = new Dictionary<string, object?>();
        foreach (var (from, to) in new[] { ("amountCents", "amountCents"), ("valueCents", "amountCents"), ("referrerRewardCents", "amountCents"), ("missingCents", "missingCents"), ("missingPoints", "missingPoints") })
            if (p.TryGetProperty(from, out var x) && x.ValueKind == JsonValueKind.Number) v[to] = x.GetInt64();
        foreach (var name in new[] { "expiresAt", "availableAt", "tier", "reviewAt" })
            if (p.TryGetProperty(name, out var x) && x.ValueKind == JsonValueKind.String) v[name] = x.GetString();
        if (p.TryGetProperty("pending", out var pending) && pending.ValueKind == JsonValueKind.False) v.Remove("availableAt");
        foreach (var name in new[] { "storeId", "voucherId" })
            if (p.TryGetProperty(name, out var x) && x.ValueKind == JsonValueKind.String) v[name] = x.GetString();
        return v;
    }
}
