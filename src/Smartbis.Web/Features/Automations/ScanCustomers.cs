using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Web.Features.Automations;

/// <summary>
/// The time-based triggers, run daily (birthdays hourly, so each tenant's local morning is found): expiring
/// soon, win-back and birthday. Each finds who is due and plans a message whose subject makes it once:
/// the lot or voucher (expiring), the last purchase (win-back: once per stretch of inactivity), the
/// customer's birthday of that year. Safe to run twice or concurrently: the unique key keeps one.
/// The scans leave out subjects already planned (on any channel), so a night's work is what became due since the
/// last run, not every inactive member or expiring lot again (issue 9: each nightly job under 60 s at 1M customers).
/// What is due is planned a chunk at a time with <see cref="PlanMessagesInBulk"/>: one transaction and one insert per
/// chunk, the rules of <see cref="PlanMessages"/> applied in SQL.
/// </summary>
public sealed class ScanCustomers(LedgerUnit unit, IServiceScopeFactory scopes, TimeProvider clock)
{
    // Customers per transaction: one advisory lock each (PlanMessagesInBulk), well within PostgreSQL's lock table.
    private const int Chunk = 1000;

    public async Task<int> ExpiringSoonAsync(Guid tenantId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var (on, days) = await unit.RunAsync(tenantId, async db => await Messaging.TriggerAsync(db, Triggers.ExpiringSoon, ct) is var s ? (s.Enabled, s.Days ?? 7) : default, ct);
        if (!on) return 0;
        var until = now.AddDays(days);
        var lots = await unit.RunAsync(tenantId, db => db.CreditLots
            .Where(l => l.Status == LotStatus.Available && l.RemainingCents > 0 && l.ExpiresAt > now && l.ExpiresAt <= until)
            .Where(l => !db.Messages.Any(m => m.Trigger == Triggers.ExpiringSoon && m.SubjectId == l.Id)) // planned on an earlier night
            .Select(l => new { l.CustomerId, l.Id, l.RemainingCents, l.ExpiresAt }).ToListAsync(ct), ct);
        var vouchers = await unit.RunAsync(tenantId, db => db.Vouchers
            .Where(v => v.Status == VoucherStatus.Issued && v.ExpiresAt > now && v.ExpiresAt <= until)
            .Where(v => !db.Messages.Any(m => m.Trigger == Triggers.ExpiringSoon && m.SubjectId == v.Id))
            .Select(v => new { v.CustomerId, v.Id, v.ValueCents, v.ExpiresAt, v.Code }).ToListAsync(ct), ct);
        var due = lots.Select(l => new PlanMessages.Request(Triggers.ExpiringSoon, l.CustomerId, l.Id,
                new Dictionary<string, object?> { ["amountCents"] = l.RemainingCents, ["expiresAt"] = l.ExpiresAt }))
            .Concat(vouchers.Select(v => new PlanMessages.Request(Triggers.ExpiringSoon, v.CustomerId, v.Id,
                new Dictionary<string, object?> { ["amountCents"] = v.ValueCents, ["expiresAt"] = v.ExpiresAt, ["voucherCode"] = v.Code })))
            .OrderBy(r => r.CustomerId) // a customer's lots, then vouchers, together (a stable sort)
            .ToList();
        return await PlanAllAsync(tenantId, Triggers.ExpiringSoon, due, now, ct);
    }

    public async Task<int> WinBackAsync(Guid tenantId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var (on, days) = await unit.RunAsync(tenantId, async db => await Messaging.TriggerAsync(db, Triggers.WinBack, ct) is var s ? (s.Enabled, s.Days ?? 60) : default, ct);
        if (!on || days <= 0) return 0;
        var before = now.AddDays(-days);
        var due = await unit.RunAsync(tenantId, db => db.Customers
            .Where(c => c.JoinedAt != null && c.Status == CustomerStatus.Active)
            .Select(c => new { c.Id, c.JoinedAt, Last = db.Purchases.Where(p => p.CustomerId == c.Id).OrderByDescending(p => p.OccurredAt).Select(p => new { p.Id, p.OccurredAt }).FirstOrDefault() })
            .Where(x => x.Last != null ? x.Last.OccurredAt <= before : x.JoinedAt <= before)
            .Select(x => new { x.Id, Subject = x.Last != null ? x.Last.Id : x.Id })
            .Where(x => !db.Messages.Any(m => m.Trigger == Triggers.WinBack && m.SubjectId == x.Subject)) // planned on an earlier night
            .ToListAsync(ct), ct);
        // The subject is the last purchase (or the customer, if none): one win-back per stretch of inactivity.
        var variables = new Dictionary<string, object?> { ["days"] = (long)days }; // the same for all: one, read-only
        return await PlanAllAsync(tenantId, Triggers.WinBack, due.Select(x => new PlanMessages.Request(Triggers.WinBack, x.Id, x.Subject, variables)), now, ct);
    }

    public async Task<int> BirthdaysAsync(Guid tenantId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var (on, zoneId) = await unit.RunAsync(tenantId, async db =>
            ((await Messaging.TriggerAsync(db, Triggers.Birthday, ct)).Enabled, await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.TimeZone).SingleAsync(ct)), ct);
        if (!on) return 0;
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var z) ? z : TimeZoneInfo.Utc;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var feb29 = today is { Month: 2, Day: 28 } && !DateTime.IsLeapYear(today.Year); // leap-day birthdays on the 28th
        var customers = await unit.RunAsync(tenantId, db => db.Customers
            .Where(c => c.JoinedAt != null && c.Status == CustomerStatus.Active && c.BirthDate != null
                        && c.BirthDate.Value.Month == today.Month && (c.BirthDate.Value.Day == today.Day || (feb29 && c.BirthDate.Value.Day == 29)))
            .Select(c => c.Id).ToListAsync(ct), ct);
        var requests = new List<PlanMessages.Request>();
        foreach (var id in customers)
        {
            long? bonus = null;
            await using (var scope = scopes.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
                var rules = await RulesInForce.AtAsync(scope.ServiceProvider.GetRequiredService<Data.SmartbisDb>(), now, ct);
                if (rules.BirthdayBonusCents > 0)
                    bonus = (await scope.ServiceProvider.GetRequiredService<GrantBonus>()
                        .ExecuteAsync(new GrantBonus.Request(id, BonusKind.Birthday, $"birthday:{id}:{today.Year}"), ct)).Value.GrantedCents;
            }
            requests.Add(new PlanMessages.Request(Triggers.Birthday, id, Messaging.StableId($"birthday:{id}:{today.Year}"),
                new Dictionary<string, object?> { ["amountCents"] = bonus }));
        }
        return await PlanAllAsync(tenantId, Triggers.Birthday, requests, now, ct);
    }

    /// <summary>
    /// Plans the requests a chunk per transaction, two chunks at a time (a chunk mostly waits on the database). Callers
    /// list a customer's requests together, in the order the cap counts them, so chunks running together rarely share a
    /// customer; when they do, the per-customer lock makes one wait for the other and the cap still holds.
    /// </summary>
    private async Task<int> PlanAllAsync(Guid tenantId, string trigger, IEnumerable<PlanMessages.Request> requests, DateTimeOffset now, CancellationToken ct)
    {
        var planned = 0;
        await Parallel.ForEachAsync(requests.Chunk(Chunk), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct },
            async (chunk, token) => Interlocked.Add(ref planned,
                await unit.RunAsync(tenantId, db => PlanMessagesInBulk.PlanAsync(db, trigger, chunk, now, token), token)));
        return planned;
    }
}
