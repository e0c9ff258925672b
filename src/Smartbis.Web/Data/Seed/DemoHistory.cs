using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Data.Seed;

/// <summary>
/// Months of believable history for a demo tenant, produced through the ledger's own operations on a clock
/// moved day by day (never inserted around them): members joining, walk-ins, purchases with a realistic skew,
/// cashback and vouchers paying for purchases, refunds, and the nightly release / voucher / expiry runs.
/// Deterministic (seeded), so every developer sees the same demo.
/// </summary>
public sealed class DemoHistory(LedgerUnit unit, IConfiguration config, ILogger<DemoHistory> log)
{
    private static readonly string[] FirstNames =
        ["Ana", "Bruno", "Carla", "Daniel", "Eduarda", "Felipe", "Gabriela", "Henrique", "Isabela", "João", "Juliana", "Lucas",
         "Mariana", "Nicolas", "Patrícia", "Rafael", "Sofia", "Thiago", "Valentina", "Vitor", "Beatriz", "Camila", "Diego", "Larissa"];
    private static readonly string[] LastNames =
        ["Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira", "Lima", "Gomes", "Costa", "Ribeiro",
         "Martins", "Carvalho", "Almeida", "Lopes", "Soares", "Fernandes", "Vieira", "Barbosa"];

    public int Days => config.GetValue("Smartbis:Seed:Days", 180);

    public async Task RunAsync(Guid tenantId, IReadOnlyList<Guid> storeIds, ProgramRules rules, int seed, DateTimeOffset today, CancellationToken ct = default)
    {
        var customers = config.GetValue("Smartbis:Seed:Customers", 300);
        var days = Days;
        if (customers <= 0 || days <= 0) return;

        var rnd = new Random(seed);
        var start = today.AddDays(-days);
        var clock = new SeedClock(start);
        var tenant = new TenantContext();
        tenant.Set(tenantId);
        var enroll = new EnrollCustomer(unit, tenant, clock);
        var record = new RecordPurchase(unit, tenant, clock);
        var refund = new RefundPurchase(unit, tenant, clock);
        var release = new ReleasePendingCredits(unit);
        var issue = new IssueVouchers(unit);
        var expire = new ExpireCredits(unit);

        // Who buys how often: a few weekly regulars, most monthly, the rest now and then.
        var members = new List<(Guid Id, string Phone, double DailyChance, int JoinDay)>();
        for (var i = 0; i < customers; i++)
        {
            var kind = rnd.NextDouble();
            var chance = kind < 0.15 ? 1 / 7.0 : kind < 0.65 ? 1 / 30.0 : 1 / 75.0;
            var phone = $"+55119{rnd.Next(10_000_000, 99_999_999)}";
            // One in twenty never joins: a walk-in whose credit waits for them, unclaimed.
            members.Add((Guid.Empty, phone, chance, rnd.NextDouble() < 0.05 ? int.MaxValue : rnd.Next(0, days - 7)));
        }

        // Referrals draw from their own sequence, so the rest of the history stays as it was.
        var referRnd = new Random(seed + 1);
        var referralCodes = new List<string>();
        var recent = new List<(Guid PurchaseId, long Amount, int Day)>();
        var receipt = 100_000 + seed * 10_000;
        for (var day = 0; day < days; day++)
        {
            // Members who join today (some were walk-ins before: their credit is claimed).
            for (var i = 0; i < members.Count; i++)
            {
                if (members[i].JoinDay != day) continue;
                clock.Now = start.AddDays(day).AddHours(12).AddMinutes(rnd.Next(0, 300));
                var first = FirstNames[rnd.Next(FirstNames.Length)];
                var last = LastNames[rnd.Next(LastNames.Length)];
                var withEmail = rnd.NextDouble() < 0.8;
                try
                {
                    var joined = await enroll.ExecuteAsync(new EnrollCustomer.Request(
                        $"{first} {last}", members[i].Phone,
                        withEmail ? $"{Ascii(first)}.{Ascii(last)}{i}@example.com" : null,
                        BirthDate: new DateOnly(rnd.Next(1950, 2006), rnd.Next(1, 13), rnd.Next(1, 29)),
                        EmailConsent: withEmail && rnd.NextDouble() < 0.9, WhatsAppConsent: rnd.NextDouble() < 0.7,
                        ConsentWording: "Quero receber avisos do meu cashback.", Source: rnd.NextDouble() < 0.6 ? "counter" : "portal",
                        // One in eight joins with a friend's referral code (rewarded on their first qualifying purchase).
                        ReferralCode: referralCodes.Count > 0 && referRnd.NextDouble() < 0.125 ? referralCodes[referRnd.Next(referralCodes.Count)] : null), ct);
                    members[i] = members[i] with { Id = joined.CustomerId };
                    referralCodes.Add(joined.ReferralCode);
                }
                catch (OperationFailed) { /* a rare random phone collision: this member stays a walk-in */ }
            }

            // Purchases of the day, at opening hours in São Paulo (UTC-3).
            for (var i = 0; i < members.Count; i++)
            {
                var m = members[i];
                var walkIn = m.Id == Guid.Empty;
                if (walkIn && m.JoinDay != int.MaxValue && (day < m.JoinDay - 20 || rnd.NextDouble() > 0.3)) continue; // a few buy before joining
                if (rnd.NextDouble() > m.DailyChance) continue;
                clock.Now = start.AddDays(day).AddHours(11 + rnd.Next(0, 10)).AddMinutes(rnd.Next(0, 60));
                var amount = (long)Math.Round(Math.Exp(rnd.NextDouble() * 2.5 + 3.2)) * 100 + rnd.Next(0, 100); // ~R$ 25 to R$ 300
                var lines = rules.ExcludedCategories.Count > 0 && rnd.NextDouble() < 0.25
                    ? new List<RecordPurchase.Line> { new(rules.ExcludedCategories[0], amount / 2), new("general", amount - amount / 2) }
                    : null;
                try
                {
                    var account = walkIn ? null : await unit.RunAsync(tenantId, db => db.Accounts.AsNoTracking().SingleAsync(a => a.CustomerId == m.Id, ct), ct);
                    var voucher = walkIn || rules.VoucherMode == VoucherMode.None ? null
                        : await unit.RunAsync(tenantId, db => db.Vouchers.Where(v => v.CustomerId == m.Id && v.Status == VoucherStatus.Issued && v.ValueCents <= amount)
                            .Select(v => v.Code).FirstOrDefaultAsync(ct), ct);
                    var payCashback = 0L;
                    if (account is not null && voucher is null && rules.VoucherMode == VoucherMode.None && account.AvailableCents >= Math.Max(rules.MinRedeemBalanceCents, 1) && rnd.NextDouble() < 0.5)
                        payCashback = rules.MaxCashbackUsableCents(amount, account.AvailableCents);
                    if (voucher is not null && rnd.NextDouble() < 0.3) voucher = null; // not everyone remembers their voucher
                    var result = await record.ExecuteAsync(new RecordPurchase.Request(
                        storeIds[rnd.Next(storeIds.Count)], walkIn ? null : m.Id, walkIn ? m.Phone : null, amount, (receipt++).ToString(),
                        $"seed-{seed}-{receipt}", PayWithCashbackCents: payCashback, VoucherCode: voucher, Lines: lines, Source: "counter"), ct);
                    recent.Add((result.Value.PurchaseId, amount, day));
                }
                catch (OperationFailed e)
                {
                    log.LogDebug("Seed purchase skipped: {Reason}", e.Message);
                }
            }

            // A few refunds of recent purchases: most full, some partial.
            if (recent.Count > 0 && rnd.NextDouble() < 0.35)
            {
                var (purchaseId, amount, _) = recent[rnd.Next(recent.Count)];
                clock.Now = start.AddDays(day).AddHours(20);
                var partial = rnd.NextDouble() < 0.4;
                try
                {
                    await refund.ExecuteAsync(new RefundPurchase.Request(purchaseId, partial ? amount / 2 : amount,
                        partial ? "Item devolvido" : "Compra cancelada", $"seed-refund-{purchaseId}"), ct);
                }
                catch (OperationFailed) { /* already refunded */ }
            }
            recent.RemoveAll(r => r.Day < day - 10);

            // The nightly jobs.
            var night = start.AddDays(day + 1).AddHours(5); // 02:00 in São Paulo
            clock.Now = night;
            await release.ExecuteAsync(tenantId, night, ct);
            await issue.ExecuteAsync(tenantId, night, ct);
            await expire.ExecuteAsync(tenantId, night, ct);
        }

        // History is not news: its events are marked delivered so automations do not announce months-old cashback.
        await unit.RunAsync(tenantId, db => db.OutboxEvents.Where(e => e.ProcessedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ProcessedAt, today), ct), ct);
        log.LogInformation("Seeded {Days} days of history for {Customers} customers", days, customers);
    }

    private static string Ascii(string s) =>
        new(s.Normalize(System.Text.NormalizationForm.FormD).Where(c => c < 128 && char.IsLetter(c)).Select(char.ToLowerInvariant).ToArray());
}
