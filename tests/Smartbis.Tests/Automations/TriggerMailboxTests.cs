using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tiers;

namespace Smartbis.Tests.Automations;

/// <summary>
/// Every automation trigger, end to end: the real operation (or job) that causes it, the outbox → messages → SMTP
/// path the app runs after the commit, and the message read in the mailbox. No event is written by hand, so a trigger
/// that listens to an event name no operation emits (as "referral rewarded" once did) fails here.
/// </summary>
public sealed class TriggerMailboxTests(AutomationsFixture fixture) : IClassFixture<AutomationsFixture>, IAsyncLifetime
{
    private TestClock Clock => fixture.Clock;

    public Task InitializeAsync()
    {
        Clock.StartAt(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero)); // noon in São Paulo: no quiet hours
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A shop without the frequency cap, so each test sees its trigger's message whatever else it sent.</summary>
    private async Task<TestTenant> ShopAsync(Web.Features.Programs.ProgramRules? rules = null)
    {
        var shop = await fixture.CreateTenantAsync(rules ?? SampleRules.Plain(), name: "Farmácia Aurora");
        await shop.ConfigureAsync(s => { s.MaxPerDay = 0; s.MaxPerWeek = 0; });
        return shop;
    }

    private static string Unique(string prefix = "ana") => $"{prefix}-{Guid.NewGuid():N}"[..20] + "@example.com";

    /// <summary>The subjects received at the address (pt-BR default templates).</summary>
    private List<string> SubjectsTo(string address) =>
        [.. fixture.Smtp.Messages.Where(m => m.To.Mailboxes.Any(x => x.Address == address)).Select(m => m.Subject ?? "")];

    private static async Task RunJobAsync(TestTenant shop, string kind)
    {
        await using var scope = shop.Scope();
        await scope.Get<AutomationJobs>().RunForTenantAsync(kind, shop.Id);
    }

    /// <summary>The trigger's message was planned from the event the operation emitted (the one the trigger declares).</summary>
    private static async Task EventDeclaredAsync(TestTenant shop, string trigger)
    {
        var type = Triggers.Find(trigger)!.EventType;
        type.Should().NotBeNull();
        var m = (await shop.MessagesAsync(trigger)).Should().ContainSingle().Subject;
        m.Status.Should().Be(MessageStatus.Sent);
        var e = await shop.WithDbAsync(db => db.OutboxEvents.AsNoTracking().SingleAsync(x => x.Id == m.EventId));
        e.Type.Should().Be(type, "the trigger declares the event the operation really emits");
    }

    [Fact]
    public async Task Welcome_is_sent_when_a_customer_joins()
    {
        var shop = await ShopAsync();
        var email = Unique();
        await shop.MemberAsync(email);
        await shop.DispatchAsync();
        SubjectsTo(email).Should().ContainSingle(s => s.StartsWith("Bem-vindo(a) ao", StringComparison.Ordinal));
        await EventDeclaredAsync(shop, Triggers.Welcome);
    }

    [Fact]
    public async Task Cashback_earned_is_sent_after_a_purchase()
    {
        var shop = await ShopAsync();
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        await shop.BuyAsync(ana, 100_00);
        await shop.DispatchAsync();
        SubjectsTo(email).Should().Contain("Você ganhou R$ 5,00 de Cashback na Farmácia Aurora");
        await EventDeclaredAsync(shop, Triggers.CashbackEarned);
    }

    [Fact]
    public async Task Cashback_available_is_sent_when_the_release_job_frees_pending_cashback()
    {
        var rules = SampleRules.Plain();
        rules.PendingDays = 7;
        var shop = await ShopAsync(rules);
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        await shop.BuyAsync(ana, 100_00);
        Clock.Advance(TimeSpan.FromDays(8));
        await RunJobAsync(shop, JobKinds.ReleaseCredits);
        SubjectsTo(email).Should().Contain("Seu Cashback de R$ 5,00 já pode ser usado");
        await EventDeclaredAsync(shop, Triggers.CashbackAvailable);
    }

    [Fact]
    public async Task Voucher_issued_is_sent_when_the_voucher_job_converts_the_balance()
    {
        var rules = SampleRules.Velluto();
        rules.PendingDays = 0;
        var shop = await ShopAsync(rules);
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        await shop.BuyAsync(ana, 410_00);
        await RunJobAsync(shop, JobKinds.IssueVouchers);
        SubjectsTo(email).Should().Contain("Você ganhou um vale de R$ 20,00 na Farmácia Aurora");
        await EventDeclaredAsync(shop, Triggers.VoucherIssued);
    }

    [Fact]
    public async Task Referral_rewarded_is_sent_to_the_referrer_when_the_referees_first_purchase_qualifies()
    {
        var rules = SampleRules.Plain();
        (rules.ReferrerRewardCents, rules.RefereeRewardCents, rules.ReferralMinPurchaseCents) = (10_00, 5_00, 50_00);
        var shop = await ShopAsync(rules);
        var referrerEmail = Unique("ref");
        var refereeEmail = Unique("bia");
        var referrer = await shop.MemberAsync(referrerEmail);
        var code = await shop.WithDbAsync(db => db.Customers.Where(c => c.Id == referrer).Select(c => c.ReferralCode).SingleAsync());
        var bia = (await shop.RunAsync<EnrollCustomer, EnrollCustomer.Result>(e => e.ExecuteAsync(new EnrollCustomer.Request(
            "Bia Souza", LedgerTestKit.NewPhone(), refereeEmail, EmailConsent: true, ConsentWording: "Quero receber avisos.",
            Source: "portal", ReferralCode: code, Locale: "pt-BR")))).CustomerId;
        await shop.BuyAsync(bia, 60_00);
        await shop.DispatchAsync();

        SubjectsTo(referrerEmail).Should().ContainSingle(s => s == "Sua indicação rendeu R$ 10,00 na Farmácia Aurora");
        SubjectsTo(refereeEmail).Should().NotContain(s => s.StartsWith("Sua indicação", StringComparison.Ordinal), "the referee referred no one");
        await EventDeclaredAsync(shop, Triggers.ReferralRewarded);
        (await shop.MessagesAsync(Triggers.ReferralRewarded)).Single().CustomerId.Should().Be(referrer);
    }

    [Fact]
    public async Task Expiring_soon_is_sent_by_the_daily_scan_before_cashback_expires()
    {
        var rules = SampleRules.Plain();
        rules.ExpiryDays = 30;
        var shop = await ShopAsync(rules);
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        await shop.BuyAsync(ana, 100_00);
        Clock.Advance(TimeSpan.FromDays(25));
        await RunJobAsync(shop, JobKinds.ExpiringSoon);
        SubjectsTo(email).Should().Contain(s => s.StartsWith("R$ 5,00 de Cashback vencem em", StringComparison.Ordinal));
        (await shop.MessagesAsync(Triggers.ExpiringSoon)).Should().ContainSingle().Which.Status.Should().Be(MessageStatus.Sent);
    }

    [Fact]
    public async Task Win_back_is_sent_by_the_daily_scan_after_the_days_without_a_purchase()
    {
        var shop = await ShopAsync();
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        await shop.BuyAsync(ana, 100_00);
        Clock.Advance(TimeSpan.FromDays(61));
        await RunJobAsync(shop, JobKinds.WinBack);
        SubjectsTo(email).Should().Contain("Sentimos sua falta na Farmácia Aurora");
        (await shop.MessagesAsync(Triggers.WinBack)).Should().ContainSingle().Which.Status.Should().Be(MessageStatus.Sent);
    }

    [Fact]
    public async Task Birthday_is_sent_by_the_birthday_scan_on_the_day()
    {
        var shop = await ShopAsync();
        var email = Unique();
        await shop.MemberAsync(email, name: "Ana Souza", birthDate: new DateOnly(1990, 3, 2));
        await RunJobAsync(shop, JobKinds.Birthdays);
        SubjectsTo(email).Should().Contain("Feliz aniversário, Ana!");
        (await shop.MessagesAsync(Triggers.Birthday)).Should().ContainSingle().Which.Status.Should().Be(MessageStatus.Sent);
    }

    private static SaveTierProgram.Request Levels(ReviewPeriod period = ReviewPeriod.Quarterly) =>
        new(true, TierMeasure.Spend, 12, period, 14,
        [
            new TierLevel { Name = "Bronze", Threshold = 0, MultiplierBps = 10_000, Perks = "" },
            new TierLevel { Name = "Prata", Threshold = 500_00, MultiplierBps = 15_000, Perks = "" },
            new TierLevel { Name = "Ouro", Threshold = 1_000_00, MultiplierBps = 20_000, Perks = "" },
        ]);

    [Fact]
    public async Task Tier_up_is_sent_after_the_purchase_that_crosses_a_threshold()
    {
        var shop = await ShopAsync();
        await shop.RunAsync<SaveTierProgram, TierProgram>(s => s.ExecuteAsync(Levels(), null, AuditActor.System));
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        await shop.BuyAsync(ana, 600_00);
        await shop.DispatchAsync();
        SubjectsTo(email).Should().Contain("Você agora é Prata na Farmácia Aurora!");
        await EventDeclaredAsync(shop, Triggers.TierUp);
    }

    [Fact]
    public async Task Tier_at_risk_is_sent_by_the_tier_review_before_the_level_would_be_lost()
    {
        var shop = await ShopAsync();
        await shop.RunAsync<SaveTierProgram, TierProgram>(s => s.ExecuteAsync(Levels(ReviewPeriod.Monthly), null, AuditActor.System));
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        await shop.BuyAsync(ana, 1_000_00); // Ouro
        Clock.StartAt(new DateTimeOffset(2027, 3, 18, 15, 0, 0, TimeSpan.Zero)); // 14 days before the review that drops the purchase
        await using (var scope = shop.Scope())
            await scope.Get<TiersJobs>().RunAllAsync();
        await shop.DispatchAsync();
        SubjectsTo(email).Should().Contain("Faltam R$ 1.000,00 para manter o nível Ouro");
        await EventDeclaredAsync(shop, Triggers.TierAtRisk);
    }

    [Fact]
    public void Every_trigger_has_its_mailbox_test_here()
    {
        var tested = new Dictionary<string, string>
        {
            [Triggers.Welcome] = nameof(Welcome_is_sent_when_a_customer_joins),
            [Triggers.CashbackEarned] = nameof(Cashback_earned_is_sent_after_a_purchase),
            [Triggers.CashbackAvailable] = nameof(Cashback_available_is_sent_when_the_release_job_frees_pending_cashback),
            [Triggers.VoucherIssued] = nameof(Voucher_issued_is_sent_when_the_voucher_job_converts_the_balance),
            [Triggers.ReferralRewarded] = nameof(Referral_rewarded_is_sent_to_the_referrer_when_the_referees_first_purchase_qualifies),
            [Triggers.ExpiringSoon] = nameof(Expiring_soon_is_sent_by_the_daily_scan_before_cashback_expires),
            [Triggers.WinBack] = nameof(Win_back_is_sent_by_the_daily_scan_after_the_days_without_a_purchase),
            [Triggers.Birthday] = nameof(Birthday_is_sent_by_the_birthday_scan_on_the_day),
            [Triggers.TierUp] = nameof(Tier_up_is_sent_after_the_purchase_that_crosses_a_threshold),
            [Triggers.TierAtRisk] = nameof(Tier_at_risk_is_sent_by_the_tier_review_before_the_level_would_be_lost),
        };
        Triggers.All.Select(t => t.Key).Should().BeEquivalentTo(tested.Keys, "a new trigger needs its end-to-end test in this class");
    }
}
