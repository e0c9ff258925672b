using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Challenges;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Features.Challenges;

/// <summary>
/// Challenges: the bonus once per customer (parallel completing purchases, the catch-up job racing a purchase), a
/// store-specific first purchase, the time box's edges in the tenant's time zone, and what a refund does (nothing).
/// </summary>
public sealed class ChallengesTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static Task<Challenge> SaveAsync(TestTenant t, SaveChallenge.Request r) =>
        t.RunAsync<SaveChallenge, Challenge>(s => s.ExecuteAsync(r, AuditActor.System));

    /// <summary>"3 purchases in March: +R$ 10,00" (March 2026, São Paulo).</summary>
    private static SaveChallenge.Request ThreeInMarch(Guid? storeId = null) =>
        new(null, "3 purchases in March", "Buy three times in March", ChallengeKind.PurchaseCount, 3, storeId,
            new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 31), 10_00);

    private static Task<List<ChallengeAward>> AwardsAsync(TestTenant t, Guid customerId) =>
        t.WithDbAsync(db => db.Set<ChallengeAward>().AsNoTracking().Where(a => a.CustomerId == customerId).ToListAsync());

    private static async Task<int> BonusEntriesAsync(TestTenant t, Guid customerId) =>
        (await t.EntriesAsync(customerId)).Count(e => e.Kind == EntryKind.ChallengeBonus);

    [Fact]
    public async Task The_completing_purchase_awards_the_bonus_once_in_its_transaction()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        var ch = await SaveAsync(t, ThreeInMarch());
        var c = await t.EnrollAsync();
        await t.BuyAsync(c, 10_00);
        await t.BuyAsync(c, 10_00);
        (await AwardsAsync(t, c)).Should().BeEmpty();
        var progress = await t.WithDbAsync(db => ChallengeProgress.ForCustomerAsync(db, c, t.Now));
        progress.Should().ContainSingle().Which.Progress.Should().Be(2);

        var third = await t.BuyAsync(c, 10_00);
        third.Balances.AvailableCents.Should().Be(3 * 50 + 10_00, "cashback of three purchases and the bonus, with the purchase");
        (await AwardsAsync(t, c)).Should().ContainSingle().Which.PurchaseId.Should().Be(third.PurchaseId);
        var entry = (await t.EntriesAsync(c)).Single(e => e.Kind == EntryKind.ChallengeBonus);
        (entry.AvailableDeltaCents, entry.PurchaseId).Should().Be((10_00L, third.PurchaseId));

        await t.BuyAsync(c, 10_00);
        (await BonusEntriesAsync(t, c)).Should().Be(1, "once per customer");
        (await t.WithDbAsync(db => ChallengeProgress.ForCustomerAsync(db, c, t.Now))).Single().Awarded.Should().BeTrue();
        (await t.RunAsync<CatchUpChallenges, int>(j => j.ExecuteAsync(t.Id))).Should().Be(0);

        // Refunds do not claw the bonus back (docs/ledger.md): the refund reverses the purchase's own cashback only.
        await t.RefundAsync(third.PurchaseId, 10_00);
        (await BonusEntriesAsync(t, c)).Should().Be(1);
        (await t.BalancesAsync(c)).AvailableCents.Should().Be(4 * 50 - 50 + 10_00);
        ch.Target.Should().Be(3);
    }

    [Fact]
    public async Task Parallel_completing_purchases_award_exactly_once()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        await SaveAsync(t, ThreeInMarch());
        var c = await t.EnrollAsync();
        await t.BuyAsync(c, 10_00);
        await t.BuyAsync(c, 10_00);

        await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => t.BuyAsync(c, 10_00)));

        (await AwardsAsync(t, c)).Should().ContainSingle();
        (await BonusEntriesAsync(t, c)).Should().Be(1);
        (await t.BalancesAsync(c)).AvailableCents.Should().Be(14 * 50 + 10_00);
    }

    [Fact]
    public async Task The_catch_up_job_and_a_completing_purchase_award_once_between_them()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        var customers = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            var c = await t.EnrollAsync();
            customers.Add(c);
            for (var k = 0; k < 3; k++) await t.BuyAsync(c, 10_00); // recorded before the challenge existed: nobody awarded
        }
        await SaveAsync(t, ThreeInMarch());
        customers.Should().AllSatisfy(c => AwardsAsync(t, c).Result.Should().BeEmpty());

        var job = Fixture.Get<CatchUpChallenges>();
        await Task.WhenAll(customers.SelectMany(c => new Task[]
        {
            t.BuyAsync(c, 10_00), job.ExecuteAsync(t.Id), t.BuyAsync(c, 10_00),
        }).Append(job.ExecuteAsync(t.Id)));

        foreach (var c in customers)
        {
            (await AwardsAsync(t, c)).Should().ContainSingle();
            (await BonusEntriesAsync(t, c)).Should().Be(1);
        }
    }

    [Fact]
    public async Task A_store_specific_challenge_counts_only_first_purchases_at_that_store()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        var newStore = await t.AddStoreAsync("Loja Nova");
        var regular = await t.EnrollAsync();
        await t.BuyAsync(regular, 10_00); // at the main store
        await t.RecordAsync(t.Purchase(regular, 10_00, storeId: newStore)); // at the new store, before the challenge's box
        Clock.Advance(TimeSpan.FromDays(1));
        var today = new DateOnly(2026, 3, 3);
        await SaveAsync(t, new SaveChallenge.Request(null, "First purchase at Loja Nova", null, ChallengeKind.FirstPurchaseAtStore, 0, newStore,
            today, today.AddDays(30), 5_00));

        var newcomer = await t.EnrollAsync();
        await t.BuyAsync(newcomer, 10_00);
        (await AwardsAsync(t, newcomer)).Should().BeEmpty("a purchase at another store does not count");
        await t.RecordAsync(t.Purchase(newcomer, 10_00, storeId: newStore));
        (await AwardsAsync(t, newcomer)).Should().ContainSingle();

        await t.RecordAsync(t.Purchase(regular, 10_00, storeId: newStore));
        (await AwardsAsync(t, regular)).Should().BeEmpty("not a first purchase there");
        (await t.RunAsync<CatchUpChallenges, int>(j => j.ExecuteAsync(t.Id))).Should().Be(0);
    }

    [Fact]
    public async Task The_time_box_is_whole_days_in_the_tenant_time_zone()
    {
        // May 2026 in São Paulo (UTC−3): from 2026-05-01 03:00 UTC to 2026-06-01 03:00 UTC.
        Clock.StartAt(new DateTimeOffset(2026, 4, 20, 12, 0, 0, TimeSpan.Zero));
        var t = await NewTenantAsync(SampleRules.Plain(500));
        await SaveAsync(t, new SaveChallenge.Request(null, "Spend R$ 30 in May", null, ChallengeKind.Spend, 30_00, null,
            new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 31), 7_00));
        var c = await t.EnrollAsync();
        var d = await t.EnrollAsync();

        Clock.StartAt(new DateTimeOffset(2026, 5, 1, 2, 59, 59, TimeSpan.Zero)); // Apr 30th 23:59:59 local
        await t.BuyAsync(c, 20_00);
        Clock.StartAt(new DateTimeOffset(2026, 5, 1, 3, 0, 0, TimeSpan.Zero)); // May 1st 00:00 local
        await t.BuyAsync(c, 20_00);
        (await AwardsAsync(t, c)).Should().BeEmpty("the April purchase does not count: R$ 20,00 of R$ 30,00");
        await t.BuyAsync(d, 20_00);

        Clock.StartAt(new DateTimeOffset(2026, 6, 1, 2, 59, 59, TimeSpan.Zero)); // May 31st 23:59:59 local
        await t.BuyAsync(c, 10_00);
        (await AwardsAsync(t, c)).Should().ContainSingle();
        Clock.StartAt(new DateTimeOffset(2026, 6, 1, 3, 0, 0, TimeSpan.Zero)); // June 1st 00:00 local
        await t.BuyAsync(d, 10_00);
        (await AwardsAsync(t, d)).Should().BeEmpty("June does not count");
        (await t.RunAsync<CatchUpChallenges, int>(j => j.ExecuteAsync(t.Id))).Should().Be(0);
        (await t.WithDbAsync(db => ChallengeProgress.ForCustomerAsync(db, d, t.Now))).Should().BeEmpty("ended and not completed");
    }

    [Fact]
    public async Task Edits_are_validated_and_what_counts_is_frozen_once_someone_was_awarded()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        var bad = new SaveChallenge.Request(null, " ", null, ChallengeKind.FirstPurchaseAtStore, 0, null, new DateOnly(2026, 3, 10), new DateOnly(2026, 3, 1), 0);
        var failed = await LedgerTestKit.ShouldFailAsync(() => SaveAsync(t, bad), "validation");
        failed.Errors.Keys.Should().BeEquivalentTo(["Name", "StoreId", "EndsOn", "Bonus"]);

        var ch = await SaveAsync(t, ThreeInMarch());
        var c = await t.EnrollAsync();
        for (var i = 0; i < 3; i++) await t.BuyAsync(c, 10_00);
        await LedgerTestKit.ShouldFailAsync(() => SaveAsync(t, ThreeInMarch() with { Id = ch.Id, Target = 2 }), "challenge_has_awards");
        await SaveAsync(t, ThreeInMarch() with { Id = ch.Id, Name = "Three visits in March" });
        await t.RunAsync<EndChallenge, bool>(async e => { await e.ExecuteAsync(ch.Id, AuditActor.System); return true; });
        var other = await t.EnrollAsync();
        for (var i = 0; i < 3; i++) await t.BuyAsync(other, 10_00);
        (await AwardsAsync(t, other)).Should().BeEmpty("ended early: purchases after the end do not count");
        (await t.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action.StartsWith("challenge.")))).Should().Be(3);
    }
}
