using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Tests.Portal;

/// <summary>The portal's pages over HTTP: program page, join, tenant isolation of sessions, home, referrals, preferences.</summary>
public sealed class PortalPagesTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    // Cookies carry real expiry dates the HTTP client checks against the real clock: run these at "now".
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Clock.StartAt(new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));
    }

    private static string Text(string html) => WebUtility.HtmlDecode(html);

    private static ProgramRules Velluto()
    {
        var r = SampleRules.Velluto();
        (r.ReferrerRewardCents, r.RefereeRewardCents, r.ReferralMinPurchaseCents, r.ReferralMonthlyCap) = (10_00, 5_00, 50_00, 5);
        return r;
    }

    [Fact]
    public async Task The_program_page_states_the_rules_in_plain_words_and_unknown_tenants_get_404()
    {
        var t = await NewTenantAsync(Velluto());
        using var client = Fixture.CreatePortalClient();

        var html = Text(await client.GetPageAsync($"/{t.Slug}?culture=en"));

        html.Should().Contain("5% of every purchase comes back as Cashback, available 7 days after the purchase, valid for 90 days.");
        html.Should().Contain("you get R$ 10,00").And.Contain("Not earned on: prescription.");
        html.Should().Contain("og:title").And.Contain($"/{t.Slug}/join");
        Text(await client.GetPageAsync($"/{t.Slug}")).Should().Contain("5% de cada compra volta como Cashback, disponível 7 dias após a compra, válido por 90 dias.");

        using var unknown = await client.GetAsync("/no-such-tenant-here");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var unknownHome = await client.GetAsync("/no-such-tenant-here/home");
        unknownHome.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Joining_with_a_referral_link_records_the_referral_and_a_known_email_gets_the_same_answer_and_changes_nothing()
    {
        var t = await NewTenantAsync(Velluto());
        var referrer = await t.JoinAsync(email: "ref@example.com");
        using var client = Fixture.CreatePortalClient();

        (await client.GetPageAsync($"/{t.Slug}/join?ref={referrer.ReferralCode}")).Should().Contain(referrer.ReferralCode);
        using var joined = await client.SubmitAsync($"/{t.Slug}/join?ref={referrer.ReferralCode}", new Dictionary<string, string>
        {
            ["Input.Name"] = "Nina Nova", ["Input.Email"] = "nina@example.com", ["Input.Phone"] = "(11) 97777-1234",
            ["Input.EmailConsent"] = "true", ["Input.AcceptTerms"] = "true", ["Input.ReferralCode"] = referrer.ReferralCode,
        });

        joined.StatusCode.Should().Be(HttpStatusCode.Redirect, await joined.Content.ReadAsStringAsync());
        joined.Headers.Location!.ToString().Should().Be($"/{t.Slug}/signin?joined=true");
        var nina = await t.WithDbAsync(db => db.Customers.AsNoTracking().SingleAsync(c => c.Email == "nina@example.com"));
        (nina.ReferredByCustomerId, nina.Phone, nina.EmailConsent, nina.WhatsAppConsent).Should().Be((referrer.CustomerId, "+5511977771234", true, false));
        var consents = await t.WithDbAsync(db => db.CustomerConsents.AsNoTracking().Where(c => c.CustomerId == nina.Id).ToListAsync());
        consents.Should().HaveCount(2).And.OnlyContain(c => c.Source == "portal" && c.Wording!.Contains("email"));
        (await t.WithDbAsync(db => db.SignInCodes.CountAsync(c => c.CustomerId == nina.Id))).Should().Be(1, "a sign-in code was sent");

        using var other = Fixture.CreatePortalClient();
        using var duplicate = await other.SubmitAsync($"/{t.Slug}/join", new Dictionary<string, string>
        {
            ["Input.Name"] = "Nina Again", ["Input.Email"] = "NINA@example.com", ["Input.AcceptTerms"] = "true",
        });
        duplicate.StatusCode.Should().Be(HttpStatusCode.Redirect, "a member's email is answered as a new join: nobody learns who is a member");
        duplicate.Headers.Location!.ToString().Should().Be($"/{t.Slug}/signin?joined=true");
        (await t.WithDbAsync(db => db.Customers.CountAsync(c => c.Email == "nina@example.com" && c.Name == "Nina Nova"))).Should().Be(1, "Nina is not changed");
        (await t.WithDbAsync(db => db.SignInCodes.CountAsync(c => c.CustomerId == nina.Id))).Should().Be(2, "Nina herself got a new code");

        using var noTerms = await other.SubmitAsync($"/{t.Slug}/join", new Dictionary<string, string> { ["Input.Name"] = "X", ["Input.Email"] = "x@example.com" });
        Text(await noTerms.Content.ReadAsStringAsync()).Should().Contain("Aceite as regras do programa");
        (await t.WithDbAsync(db => db.Customers.CountAsync(c => c.Email == "x@example.com"))).Should().Be(0);
    }

    [Fact]
    public async Task A_signed_in_member_of_tenant_A_gets_only_the_public_page_of_tenant_B()
    {
        var a = await NewTenantAsync(Velluto());
        var b = await NewTenantAsync(SampleRules.LitoralCash());
        var member = (await a.JoinAsync(email: "ana@example.com", name: "Ana Alpha")).CustomerId;
        var bMember = (await b.JoinAsync(email: "bob@example.com", name: "Bob Beta")).CustomerId;
        await b.BuyAsync(bMember, 1234_00);
        await a.BuyAsync(member, 100_00);
        using var client = Fixture.CreatePortalClient();
        (await client.SignInAsync(a, member, "ana@example.com")).StatusCode.Should().Be(HttpStatusCode.Redirect);

        var home = Text(await client.GetPageAsync($"/{a.Slug}/home"));
        home.Should().Contain("Ana").And.Contain("R$ 5,00");

        using var bHome = await client.GetAsync($"/{b.Slug}/home");
        bHome.StatusCode.Should().Be(HttpStatusCode.Redirect, "A's session is nothing on B");
        bHome.Headers.Location!.ToString().Should().Be($"/{b.Slug}/signin");
        foreach (var page in new[] { "", "/referrals", "/preferences", "/preferences?handler=Download" })
        {
            using var response = await client.GetAsync($"/{b.Slug}{page}");
            var body = Text(await response.Content.ReadAsStringAsync());
            body.Should().NotContain("Bob").And.NotContain("61,70").And.NotContain("bob@example.com");
        }
        (await client.GetPageAsync($"/{b.Slug}")).Should().Contain("data-testid=\"join-button\"", "B's public page, as for anyone");
    }

    [Fact]
    public async Task Home_referrals_and_preferences_show_the_member_their_own_things()
    {
        var t = await NewTenantAsync(Velluto());
        var referrer = await t.JoinAsync(email: "rita@example.com", name: "Rita Ref");
        var friend = await t.RunAsync<EnrollCustomer, EnrollCustomer.Result>(e => e.ExecuteAsync(
            new EnrollCustomer.Request("Fabio Friend", LedgerTestKit.NewPhone(), "fabio@example.com", ReferralCode: referrer.ReferralCode)));
        await t.BuyAsync(friend.CustomerId, 100_00);
        using var client = Fixture.CreatePortalClient();
        await client.SignInAsync(t, referrer.CustomerId, "rita@example.com");

        var referrals = Text(await client.GetPageAsync($"/{t.Slug}/referrals"));
        referrals.Should().Contain($"/{t.Slug}/join?ref={referrer.ReferralCode}").And.Contain("https://wa.me/?text=");
        referrals.Should().Contain("Fabio").And.NotContain("Friend", "only the first name of a friend").And.Contain("data-status=\"Rewarded\"");

        var home = Text(await client.GetPageAsync($"/{t.Slug}/home"));
        home.Should().Contain("R$ 10,00").And.Contain("Recompensa por convidar um amigo").And.Contain("data:image/png;base64,");

        // The friend's own reward reads as a referral welcome, not the program's welcome bonus.
        using var friendClient = Fixture.CreatePortalClient();
        await friendClient.SignInAsync(t, friend.CustomerId, "fabio@example.com");
        Text(await friendClient.GetPageAsync($"/{t.Slug}/home")).Should().Contain("Boas-vindas por indicação: você entrou pelo convite de um amigo")
            .And.NotContain("Bônus de boas-vindas");

        using var saved = await client.SubmitAsync($"/{t.Slug}/preferences", new Dictionary<string, string>
        {
            ["EmailConsent"] = "true", ["WhatsAppConsent"] = "true", ["Language"] = "en",
        });
        saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var rita = await t.CustomerAsync(referrer.CustomerId);
        (rita.EmailConsent, rita.WhatsAppConsent, rita.Locale).Should().Be((true, true, "en"));
        var history = await t.WithDbAsync(db => db.CustomerConsents.AsNoTracking().Where(c => c.CustomerId == rita.Id).OrderBy(c => c.At).ThenBy(c => c.Id).ToListAsync());
        history.Should().HaveCount(4, "two at joining (both refused), one per changed channel");
        history.Skip(2).Should().OnlyContain(c => c.Source == "portal" && c.Wording != null);

        using var download = await client.GetAsync($"/{t.Slug}/preferences?handler=Download");
        download.StatusCode.Should().Be(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await download.Content.ReadAsStringAsync()).Should().Contain("rita@example.com").And.NotContain("fabio@example.com");
    }
    [Fact]
    public async Task After_a_refund_of_spent_cashback_the_home_shows_what_is_owed_why_and_that_future_cashback_settles_it()
    {
        var t = await NewTenantAsync(SampleRules.Plain()); // 5%, available at once
        var ana = await t.JoinAsync(email: "owed@example.com", name: "Ana Owed");
        var p = await t.BuyAsync(ana.CustomerId, 200_00);          // earns R$ 10,00
        await t.BuyAsync(ana.CustomerId, 20_00, payWithCashbackCents: 10_00); // spends the R$ 10,00
        await t.RefundAsync(p.PurchaseId, 200_00);                 // what is left is reversed, the rest was already spent: owed
        (await t.BalancesAsync(ana.CustomerId)).ClawbackCents.Should().BeGreaterThan(0);
        var owed = (await t.BalancesAsync(ana.CustomerId)).ClawbackCents;
        using var client = Fixture.CreatePortalClient();
        await client.SignInAsync(t, ana.CustomerId, "owed@example.com");

        var home = Text(await client.GetPageAsync($"/{t.Slug}/home?culture=en"));
        var amount = Web.Infrastructure.Money.Format(owed, "BRL", "pt-BR"); // money in the tenant's format
        home.Should().Contain("data-testid=\"owed\"").And.Contain("To be settled from future Cashback")
            .And.Contain("The next Cashback you earn settles this first");
        home.Should().MatchRegex($"data-testid=\"owed-amount\">{System.Text.RegularExpressions.Regex.Escape(amount)}<");
        home.Should().Contain("A purchase was returned after you used its Cashback").And.Contain("−" + amount, "the owed part is a loss in the activity, not R$ 0,00");
        Text(await client.GetPageAsync($"/{t.Slug}/home")).Should().Contain("A compensar com Cashback futuro");

        // The next purchase's cashback settles it first: the card goes away and the activity says where that cashback went.
        await t.BuyAsync(ana.CustomerId, 1_000_00);
        var after = Text(await client.GetPageAsync($"/{t.Slug}/home?culture=en"));
        after.Should().NotContain("data-testid=\"owed\"").And.Contain("settled what a returned purchase had earned");
    }
}
