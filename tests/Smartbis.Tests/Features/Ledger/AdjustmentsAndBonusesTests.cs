using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>Manual adjustments (with reason and author) and bonuses are ledger entries like any other.</summary>
public sealed class AdjustmentsAndBonusesTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task A_manual_adjustment_records_its_reason_and_author_and_a_debit_takes_the_soonest_expiring_credit()
    {
        var rules = SampleRules.Plain();
        rules.ExpiryDays = 60;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.AdjustAsync(ana, 10_00, "Apology for a late delivery");   // lot A, expires day 60
        Clock.Advance(TimeSpan.FromDays(5));
        await shop.BuyAsync(ana, 100_00);                                     // lot B 5,00, expires day 65

        var after = await shop.AdjustAsync(ana, -12_00, "Credit given twice by mistake");

        after.Should().Be(new Balances(0, 3_00, 0, 0));
        var lots = await shop.LotsAsync(ana);
        lots.Select(l => (l.Kind, l.RemainingCents)).Should().Equal((EntryKind.Adjustment, 0L), (EntryKind.Earn, 3_00L));
        var adjustments = (await shop.EntriesAsync(ana)).Where(e => e.Kind == EntryKind.Adjustment).ToList();
        adjustments.Select(e => (e.AvailableDeltaCents, e.Reason, e.AuthorUserId)).Should().Equal(
            (10_00L, "Apology for a late delivery", "manager-1"),
            (-12_00L, "Credit given twice by mistake", "manager-1"));
        await LedgerTestKit.ShouldFailAsync(() => shop.AdjustAsync(ana, -3_01), "insufficient_balance");
    }

    [Fact]
    public async Task An_adjustment_without_a_reason_or_author_is_refused()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.RunAsync<AdjustBalance, Idempotent<Balances>>(a =>
            a.ExecuteAsync(new AdjustBalance.Request(ana, 0, " ", "", LedgerTestKit.NewKey()))), "validation");

        refusal.Errors.Keys.Should().BeEquivalentTo("amountCents", "reason", "authorUserId");
        (await shop.EntriesAsync(ana)).Should().BeEmpty();
    }

    [Fact]
    public async Task A_bonus_under_its_natural_key_is_granted_once_and_first_settles_any_clawback()
    {
        var rules = SampleRules.Plain();
        rules.BirthdayBonusCents = 7_00;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        var purchase = await shop.BuyAsync(ana, 100_00);
        await shop.BuyAsync(ana, 5_00, payWithCashbackCents: 5_00);
        await shop.RefundAsync(purchase.PurchaseId, 100_00);                  // 5,00 clawback
        var request = new GrantBonus.Request(ana, BonusKind.Birthday, $"birthday:{ana}:2026");

        var first = await shop.RunAsync<GrantBonus, Idempotent<GrantBonus.Result>>(g => g.ExecuteAsync(request));
        var again = await shop.RunAsync<GrantBonus, Idempotent<GrantBonus.Result>>(g => g.ExecuteAsync(request));

        (first.Replayed, again.Replayed).Should().Be((false, true));
        first.Value.GrantedCents.Should().Be(7_00);
        first.Value.Balances.Should().Be(new Balances(0, 2_00, 0, 0), "5,00 of the bonus settles the clawback");
        (await shop.EntriesAsync(ana)).Count(e => e.Kind == EntryKind.BirthdayBonus).Should().Be(1);
        await LedgerTestKit.ShouldFailAsync(() => shop.RunAsync<GrantBonus, Idempotent<GrantBonus.Result>>(g =>
            g.ExecuteAsync(new GrantBonus.Request(ana, BonusKind.Welcome, LedgerTestKit.NewKey()))), "no_bonus");
    }

    [Fact]
    public async Task A_welcome_bonus_is_credited_on_joining()
    {
        var rules = SampleRules.LitoralCash();
        rules.WelcomeBonusCents = 5_00;
        var shop = await NewTenantAsync(rules);

        var joined = await shop.JoinAsync();

        joined.WelcomeBonusCents.Should().Be(5_00);
        (await shop.BalancesAsync(joined.CustomerId)).Should().Be(new Balances(0, 5_00, 0, 0));
        var lot = (await shop.LotsAsync(joined.CustomerId)).Single();
        (lot.Kind, lot.ExpiresAt).Should().Be((EntryKind.WelcomeBonus, (DateTimeOffset?)Clock.Now.AddDays(180)));
    }
}
