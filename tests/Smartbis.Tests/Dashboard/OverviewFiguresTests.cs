using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Reporting;

namespace Smartbis.Tests.Dashboard;

/// <summary>
/// Every figure of the overview (read from the daily roll-up) equals the same figure computed directly from the
/// ledger's rows in C#, for random activity through the real ledger operations: for a date range and for one store,
/// after a full roll-up and after an incremental one.
/// </summary>
public sealed class OverviewFiguresTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private const string Zone = "America/Sao_Paulo";

    private static ProgramRules Rules() => new()
    {
        EarnRateBps = 500, PendingDays = 3, ExpiryDays = 15, VoucherMode = VoucherMode.Threshold, VoucherThresholdCents = 10_00,
        VoucherValidityDays = 10, WelcomeBonusCents = 2_00, MinRedeemBalanceCents = 0, MaxRedeemShareBps = 5_000,
        Boosts = [new Boost { Name = "Tuesday", RateBps = 1000, Weekdays = [DayOfWeek.Tuesday] }],
    };

    [Fact]
    public async Task Every_overview_figure_equals_a_direct_computation_over_the_ledger()
    {
        var t = await NewTenantAsync(Rules());
        var second = await t.AddStoreAsync("Second store");
        var rnd = new Random(4242);
        var customers = new List<Guid>();
        await SimulateAsync(t, [t.StoreId, second], customers, rnd, days: 45);

        await RollUpAsync(t);
        var today = Overview.Today(Clock.Now, Zone);
        foreach (var (from, to) in new[] { (today.AddDays(-30), today.AddDays(-5)), (today.AddDays(-60), today) })
            foreach (var store in new Guid?[] { null, second })
                await AssertFiguresMatchAsync(t, from, to, store);

        // Liability at the end of today is what the accounts hold.
        var liability = await t.WithDbAsync(db => db.Accounts.SumAsync(a => a.PendingCents + a.AvailableCents + a.VoucherCents));
        var overview = await t.WithDbAsync(db => Overview.LoadAsync(db, Zone, today.AddDays(-7), today, null));
        overview.Figures.LiabilityCents.Should().Be(liability).And.BePositive();
        overview.Series.Last().LiabilityCents.Should().Be(liability);

        // More activity, then an incremental roll-up: still equal (nothing stale, nothing counted twice).
        await SimulateAsync(t, [t.StoreId, second], customers, rnd, days: 10);
        (await RollUpAsync(t, full: false)).Should().NotBeNull("new rows were written since the last run");
        today = Overview.Today(Clock.Now, Zone);
        await AssertFiguresMatchAsync(t, today.AddDays(-20), today, null);
        await AssertFiguresMatchAsync(t, today.AddDays(-20), today, t.StoreId);
        (await RollUpAsync(t, full: false)).Should().NotBeNull("the lag window re-reads the last minutes");
        await AssertFiguresMatchAsync(t, today.AddDays(-20), today, second);
    }

    private async Task<DateOnly?> RollUpAsync(TestTenant t, bool full = true)
    {
        await using var scope = t.Scope();
        return await scope.Get<RollUpDailyStats>().ExecuteAsync(t.Id, full);
    }

    /// <summary>Random members, purchases at both stores (some paid with cashback or a voucher), refunds, adjustments, and the nightly jobs.</summary>
    private async Task SimulateAsync(TestTenant t, Guid[] stores, List<Guid> customers, Random rnd, int days)
    {
        for (var day = 0; day < days; day++)
        {
            Clock.Advance(TimeSpan.FromHours(20 + rnd.Next(0, 8)));
            if (customers.Count < 25)
            {
                var referral = customers.Count > 3 && rnd.NextDouble() < 0.3
                    ? await t.WithDbAsync(db => db.Customers.Where(c => c.Id == customers[0]).Select(c => c.ReferralCode).SingleAsync())
                    : null;
                var joined = await t.RunAsync<EnrollCustomer, EnrollCustomer.Result>(e =>
                    e.ExecuteAsync(new EnrollCustomer.Request("Member " + customers.Count, LedgerTestKit.NewPhone(), null, ReferralCode: referral)));
                customers.Add(joined.CustomerId);
            }
            var buys = rnd.Next(0, 5);
            for (var i = 0; i < buys && customers.Count > 0; i++)
            {
                var customer = customers[rnd.Next(customers.Count)];
                var amount = rnd.Next(10_00, 150_00);
                // What can pay now: available lots not yet past their expiry (the nightly expiry job has not run for the
                // lots that expired since, and the purchase expires them first).
                var now = Clock.Now;
                var spendable = await t.WithDbAsync(db => db.CreditLots
                    .Where(l => l.CustomerId == customer && l.Status == LotStatus.Available && (l.ExpiresAt == null || l.ExpiresAt > now))
                    .SumAsync(l => l.RemainingCents));
                var pay = spendable > 0 && rnd.NextDouble() < 0.4 ? Math.Min(spendable, amount / 2) : 0;
                string? voucher = null;
                if (pay == 0 && rnd.NextDouble() < 0.5)
                    voucher = (await t.VouchersAsync(customer)).FirstOrDefault(v => v.Status == Web.Features.Vouchers.VoucherStatus.Issued && v.ExpiresAt > Clock.Now.AddHours(1) && v.ValueCents < amount)?.Code;
                var store = stores[rnd.Next(stores.Length)];
                var result = await t.RecordAsync(t.Purchase(customer, amount, pay, voucher, storeId: store,
                    occurredAt: voucher is null && pay == 0 && rnd.NextDouble() < 0.1 ? Clock.Now.AddHours(-30) : null));
                if (rnd.NextDouble() < 0.08) await t.RefundAsync(result.Value.PurchaseId, amount / 2);
            }
            var messageRnd = new Random(day); // its own sequence, so the purchases above stay as they were
            if (customers.Count > 0 && messageRnd.NextDouble() < 0.6)
            {
                // Messages as the automations leave them, in every outcome.
                var status = (MessageStatus)messageRnd.Next(0, Enum.GetValues<MessageStatus>().Length);
                var customer = customers[messageRnd.Next(customers.Count)];
                await t.WithDbAsync(db =>
                {
                    db.Messages.Add(new Message
                    {
                        TenantId = t.Id, Trigger = Triggers.CashbackEarned, SubjectId = Guid.NewGuid(), Channel = Channel.Email,
                        CustomerId = customer, Status = status, Recipient = "member@example.com", CreatedAt = Clock.Now, NotBefore = Clock.Now
                    });
                    return db.SaveChangesAsync();
                });
            }
            if (rnd.NextDouble() < 0.1 && customers.Count > 0) await t.AdjustAsync(customers[rnd.Next(customers.Count)], rnd.Next(1_00, 5_00));
            await t.ReleaseAsync();
            await t.IssueVouchersAsync();
            await t.ExpireAsync();
        }
    }

    private async Task AssertFiguresMatchAsync(TestTenant t, DateOnly from, DateOnly to, Guid? store)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        DateOnly Local(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        bool In(DateTimeOffset at) => Local(at) >= from && Local(at) <= to;

        var (purchases, entries, members) = await t.WithDbAsync(async db => (
            await db.Purchases.AsNoTracking().ToListAsync(),
            await db.LedgerEntries.AsNoTracking().ToListAsync(),
            await db.Customers.AsNoTracking().Where(c => c.JoinedAt != null).ToListAsync()));
        var messages = await t.WithDbAsync(db => db.Messages.AsNoTracking().ToListAsync());
        int Messages(params MessageStatus[] statuses) => messages.Count(m => In(m.CreatedAt) && statuses.Contains(m.Status));
        var storeOf = purchases.ToDictionary(p => p.Id, p => p.StoreId);
        bool AtStore(LedgerEntry e) => store is null || (e.PurchaseId is { } p && storeOf[p] == store);
        var ours = purchases.Where(p => store is null || p.StoreId == store).ToList();
        var inRange = ours.Where(p => In(p.OccurredAt)).ToList();
        var range = entries.Where(e => In(e.CreatedAt)).ToList();
        long Sum(IEnumerable<LedgerEntry> es, Func<LedgerEntry, long> f) => es.Sum(f);

        var earned = Sum(range.Where(e => e.Kind == EntryKind.Earn && AtStore(e)), e => e.PendingDeltaCents + e.AvailableDeltaCents);
        var bonus = Sum(range.Where(e => e.Kind is EntryKind.WelcomeBonus or EntryKind.BirthdayBonus or EntryKind.ReferralBonus), e => e.PendingDeltaCents + e.AvailableDeltaCents);
        var redeemed = Sum(range.Where(e => e.Kind == EntryKind.Redeem && AtStore(e)), e => -e.AvailableDeltaCents)
                       + Sum(range.Where(e => e.Kind == EntryKind.VoucherRedeem && AtStore(e)), e => -e.VoucherDeltaCents);
        var byBuyer = inRange.GroupBy(p => p.CustomerId).Select(g => g.Count()).ToList();
        var expected = new Overview.Figures(
            Members: members.Count(c => Local(c.JoinedAt!.Value) <= to),
            NewMembers: members.Count(c => In(c.JoinedAt!.Value)),
            ActiveMembers30: ours.Where(p => Local(p.OccurredAt) >= to.AddDays(-29) && Local(p.OccurredAt) <= to).Select(p => p.CustomerId).Distinct().Count(),
            Purchases: inRange.Count,
            RevenueCents: inRange.Sum(p => p.AmountCents),
            AverageTicketCents: inRange.Count == 0 ? 0 : (long)Math.Round((decimal)inRange.Sum(p => p.AmountCents) / inRange.Count, MidpointRounding.AwayFromZero),
            EarnedCents: earned,
            BonusCents: bonus,
            RedeemedCents: redeemed,
            ExpiredCents: Sum(range.Where(e => e.Kind == EntryKind.Expire), e => -e.AvailableDeltaCents) + Sum(range.Where(e => e.Kind == EntryKind.VoucherExpire), e => -e.VoucherDeltaCents),
            LiabilityCents: entries.Where(e => Local(e.CreatedAt) <= to).Sum(e => e.PendingDeltaCents + e.AvailableDeltaCents + e.VoucherDeltaCents),
            RedemptionRate: earned + bonus == 0 ? null : (double)redeemed / (earned + bonus),
            RepeatPurchaseRate: byBuyer.Count == 0 ? null : (double)byBuyer.Count(c => c >= 2) / byBuyer.Count,
            VouchersIssued: range.Count(e => e.Kind == EntryKind.VoucherIssue),
            VouchersIssuedCents: Sum(range.Where(e => e.Kind == EntryKind.VoucherIssue), e => e.VoucherDeltaCents),
            VouchersRedeemed: range.Count(e => e.Kind == EntryKind.VoucherRedeem && AtStore(e)),
            VouchersRedeemedCents: Sum(range.Where(e => e.Kind == EntryKind.VoucherRedeem && AtStore(e)), e => -e.VoucherDeltaCents),
            ReferralConversions: members.Count(c => In(c.JoinedAt!.Value) && c.ReferredByCustomerId != null),
            BuyingCustomers: byBuyer.Count,
            MessagesSent: Messages(MessageStatus.Sent, MessageStatus.Delivered, MessageStatus.Read),
            MessagesFailed: Messages(MessageStatus.Failed, MessageStatus.Bounced));

        var actual = await t.WithDbAsync(db => Overview.LoadAsync(db, Zone, from, to, store));
        actual.Figures.Should().BeEquivalentTo(expected, $"range {from}..{to}, store {store?.ToString() ?? "all"}");
        // The test data must exercise every figure, or the comparison proves little.
        if (store is null && to.DayNumber - from.DayNumber > 40)
            expected.Should().Match<Overview.Figures>(f => f.Purchases > 20 && f.EarnedCents > 0 && f.RedeemedCents > 0 && f.ExpiredCents > 0
                && f.VouchersIssued > 0 && f.VouchersRedeemed > 0 && f.BonusCents > 0 && f.ReferralConversions > 0 && f.RepeatPurchaseRate > 0
                && f.MessagesSent > 0 && f.MessagesFailed > 0);
        actual.Series.Sum(p => p.RevenueCents).Should().Be(expected.RevenueCents);
        actual.Series.Sum(p => p.EarnedCents).Should().Be(expected.EarnedCents);
        actual.Series.Last().Members.Should().Be(expected.Members);
    }
}
