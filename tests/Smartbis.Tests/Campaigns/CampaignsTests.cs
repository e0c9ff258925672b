using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Automations;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Campaigns;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Segments;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Campaigns;

/// <summary>
/// Campaigns over a real SMTP server: the preview (holdout and no-consent left out, the draw checked by hand), the test
/// send, the run twice in parallel (one message per recipient, the bonus credited exactly once, nothing to the holdout),
/// the mailbox, the result page; the multiplier only inside its window and only for recipients; quiet hours and the
/// frequency cap as for automations; validation and the plan's rule.
/// </summary>
public sealed class CampaignsTests(AutomationsFixture fixture) : IClassFixture<AutomationsFixture>, IAsyncLifetime
{
    private TestClock Clock => fixture.Clock;

    public Task InitializeAsync()
    {
        Clock.StartAt(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero)); // noon in São Paulo
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(TenantKit.TestTenant Kit, TestTenant T)> ShopAsync(string slug)
    {
        var kit = await TenantKit.CreateAsync(fixture.Factory, slug + "-" + Guid.NewGuid().ToString("N")[..6]);
        var t = new TestTenant(fixture, kit.Id, kit.StoreId, kit.Slug);
        await t.SaveRulesAsync(SampleRules.Plain(500), Clock.Now.AddDays(-365));
        await t.ConfigureAsync(null, new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false },
            new AutomationSetting { Trigger = Triggers.CashbackEarned, Enabled = false });
        return (kit, t);
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..20] + "@example.com";

    private List<MimeKit.MimeMessage> MailTo(string address) => fixture.Smtp.Messages.Where(m => m.To.Mailboxes.Any(x => x.Address == address)).ToList();

    /// <summary>The holdout draw, by hand: the first 32 bits of md5(campaign id ‖ customer id) modulo 10 000, under the share in basis points.</summary>
    private static bool HeldOut(Guid campaignId, Guid customerId, int percent) =>
        Convert.ToUInt32(Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(campaignId.ToString() + customerId.ToString())))[..8], 16) % 10_000 < percent * 100;

    private static SaveCampaign.Request Request(string audience = "all", int holdout = 25, long bonus = 0, int multiplier = Campaign.NoMultiplier,
        DateTimeOffset? boostFrom = null, DateTimeOffset? boostUntil = null) =>
        new("Fim de semana em dobro", audience, true, false, "Oferta para {{ first_name }}", "Olá {{ first_name }}, seu saldo é {{ balance }}.",
            null, null, null, holdout, bonus, multiplier, boostFrom, boostUntil, 30);

    private static async Task<Campaign> CreateAndLaunchAsync(TestTenant t, SaveCampaign.Request r)
    {
        await using var scope = t.Scope();
        var c = await scope.Get<SaveCampaign>().ExecuteAsync(r, AuditActor.System);
        await using var launchScope = t.Scope();
        return await launchScope.Get<LaunchCampaign>().ExecuteAsync(c.Id, AuditActor.System);
    }

    [Fact]
    public async Task The_programs_control_group_gets_no_campaign_while_it_holds_out_and_is_reached_again_once_it_is_turned_off()
    {
        var (_, t) = await ShopAsync("camp-ctrl");
        var members = new List<(Guid Id, string Email)>();
        for (var i = 0; i < 12; i++)
        {
            var email = Unique($"g{i}");
            members.Add((await t.MemberAsync(email, name: $"Grupo {i:D2}"), email));
        }
        // Four of them are the program's control group (drawn at join; set here so the test knows who).
        var control = members.Take(4).Select(m => m.Id).ToList();
        await t.WithDbAsync(db => db.Customers.Where(c => control.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.InControlGroup, true)));
        await t.RunAsync<Smartbis.Web.Features.Results.SaveResultsSettings, Smartbis.Web.Features.Results.ResultsSettings>(s => s.ExecuteAsync(
            new Smartbis.Web.Features.Results.SaveResultsSettings.Request(true, 1000, false, Smartbis.Web.Features.Reporting.Overview.Today(t.Now, "America/Sao_Paulo"), 0, 0),
            "owner-1", AuditActor.System));

        Campaign first;
        await using (var scope = t.Scope())
            first = await scope.Get<SaveCampaign>().ExecuteAsync(Request("all", holdout: 0, bonus: 1_00), AuditActor.System);
        var preview = await t.WithDbAsync(db => CampaignAudience.PreviewAsync(db, first));
        (preview.Audience, preview.Recipients).Should().Be((8, 8), "the control group is not the campaign's audience while the holdout is on");
        await using (var scope = t.Scope())
            await scope.Get<LaunchCampaign>().ExecuteAsync(first.Id, AuditActor.System);
        await fixture.Get<RunCampaign>().ExecuteAsync(t.Id, first.Id);
        await t.DeliverAsync();
        foreach (var m in members)
        {
            var inControl = control.Contains(m.Id);
            MailTo(m.Email).Should().HaveCount(inControl ? 0 : 1, "the program's control group gets no campaign message");
            (await t.EntriesAsync(m.Id)).Count(e => e.Kind == EntryKind.CampaignBonus).Should().Be(inControl ? 0 : 1, "nor its bonus");
        }

        // Turned off, the measurement ends and they are members like the others again.
        await t.RunAsync<Smartbis.Web.Features.Results.SaveResultsSettings, Smartbis.Web.Features.Results.ResultsSettings>(s => s.ExecuteAsync(
            new Smartbis.Web.Features.Results.SaveResultsSettings.Request(false, 1000, false, null, 0, 0), "owner-1", AuditActor.System));
        Campaign second;
        await using (var scope = t.Scope())
            second = await scope.Get<SaveCampaign>().ExecuteAsync(Request("all", holdout: 0), AuditActor.System);
        (await t.WithDbAsync(db => CampaignAudience.PreviewAsync(db, second))).Audience.Should().Be(12);
    }

    [Fact]
    public async Task A_campaign_reaches_the_mailbox_once_per_recipient_credits_its_bonus_exactly_once_and_its_result_appears()
    {
        var (kit, t) = await ShopAsync("camp-e2e");
        var members = new List<(Guid Id, string Email, bool Consent)>();
        for (var i = 0; i < 48; i++)
        {
            var email = Unique($"m{i}");
            members.Add((await t.MemberAsync(email, name: $"Cliente {i:D2}", emailConsent: i % 8 != 0), email, i % 8 != 0));
        }
        await fixture.Get<AssignSegments>().ExecuteAsync(t.Id);

        Campaign draft;
        await using (var scope = t.Scope())
            draft = await scope.Get<SaveCampaign>().ExecuteAsync(Request("segment:New", holdout: 25, bonus: 5_00), AuditActor.System);
        var held = members.Where(m => HeldOut(draft.Id, m.Id, 25)).ToList();
        var reached = members.Where(m => !HeldOut(draft.Id, m.Id, 25) && m.Consent).ToList();
        held.Should().NotBeEmpty().And.HaveCountLessThan(members.Count);
        var preview = await t.WithDbAsync(db => CampaignAudience.PreviewAsync(db, draft));
        (preview.Audience, preview.Holdout, preview.Recipients, preview.Unreachable)
            .Should().Be((48, held.Count, reached.Count, 48 - held.Count - reached.Count), "the preview leaves out the holdout and those without consent");
        preview.Sample.Should().Equal(reached.Select(m => $"Cliente {members.IndexOf(m):D2}").Order().Take(10));

        // The test send: the campaign's wording for a sample customer, to the staff member's own address, marked [TEST].
        await using (var scope = t.Scope())
            await scope.Get<SendTestMessage>().ExecuteAsync(Triggers.Campaign, "pt-BR", draft.Subject, draft.Body, kit.Owner.Email);
        MailTo(kit.Owner.Email).Should().ContainSingle().Which.Subject.Should().Be("[TEST] Oferta para Ana");

        await using (var scope = t.Scope())
            (await scope.Get<LaunchCampaign>().ExecuteAsync(draft.Id, AuditActor.System)).Status.Should().Be(CampaignStatus.Scheduled);
        var run = fixture.Get<RunCampaign>();
        var runs = await Task.WhenAll(run.ExecuteAsync(t.Id, draft.Id), run.ExecuteAsync(t.Id, draft.Id));
        runs.Sum(r => r.Bonuses).Should().Be(48 - held.Count, "two concurrent runs credit each recipient once between them");
        (await run.ExecuteAsync(t.Id, draft.Id)).Ran.Should().BeFalse("a sent campaign does not run again");
        await t.DeliverAsync();
        await t.DeliverAsync();

        foreach (var m in members)
        {
            var isHeld = held.Contains(m);
            var bonuses = (await t.EntriesAsync(m.Id)).Count(e => e.Kind == EntryKind.CampaignBonus);
            bonuses.Should().Be(isHeld ? 0 : 1, "the bonus goes once to each recipient and never to the holdout");
            var mail = MailTo(m.Email);
            if (isHeld || !m.Consent) mail.Should().BeEmpty();
            else mail.Should().ContainSingle().Which.Subject.Should().Be($"Oferta para Cliente");
        }
        var sent = await t.WithDbAsync(db => db.Set<Campaign>().AsNoTracking().SingleAsync(c => c.Id == draft.Id));
        (sent.Status, sent.Audience, sent.Holdout).Should().Be((CampaignStatus.Sent, 48, held.Count));
        (await t.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.SubjectId == draft.Id.ToString()))).Should().Be(2, "created and launched");

        // A day later, 20 recipients and 1 held-out member buy: the result counts them in the window.
        Clock.Advance(TimeSpan.FromDays(1));
        var buyers = members.Where(m => !held.Contains(m)).Take(20).ToList();
        foreach (var b in buyers) await t.BuyAsync(b.Id, 100_00);
        await t.BuyAsync(held[0].Id, 40_00);
        var result = await t.WithDbAsync(async db => await CampaignResult.MeasureAsync(db, await db.Set<Campaign>().SingleAsync(c => c.Id == draft.Id), Clock.Now));
        result!.Recipients.Should().Be(new CampaignResult.Group(48 - held.Count, 20, 20 * 100_00, 20 * 100_00d * 100_00));
        result.Holdout.Should().Be(new CampaignResult.Group(held.Count, 1, 40_00, 40_00d * 40_00));
        result.Complete.Should().BeFalse("30 days have not passed");

        using var owner = fixture.CreateFormClient();
        (await owner.SignInAsync(kit.Owner.Email, kit.Owner.Password)).Dispose();
        var page = WebUtility.HtmlDecode(await owner.GetPageAsync($"/app/campaigns/{draft.Id}"));
        page.Should().Contain("data-testid=\"result\"").And.Contain($"data-testid=\"n-recipients\">{48 - held.Count}<")
            .And.Contain($"data-testid=\"n-holdout\">{held.Count}<").And.Contain("Taxa de retorno");
        (await owner.GetPageAsync("/app/campaigns")).Should().Contain("Fim de semana em dobro");

        // Cashiers have no campaigns or segments.
        using var cashier = fixture.CreateFormClient();
        (await cashier.SignInAsync(kit.Cashier.Email, kit.Cashier.Password)).Dispose();
        foreach (var url in new[] { "/app/campaigns", "/app/campaigns/new", $"/app/campaigns/{draft.Id}", "/app/segments" })
            using (var r = await cashier.GetAsync(url))
                r.StatusCode.Should().BeOneOf([HttpStatusCode.Forbidden, HttpStatusCode.Redirect], url);
    }

    [Fact]
    public async Task The_multiplier_applies_only_inside_its_window_and_only_to_recipients()
    {
        var (_, t) = await ShopAsync("camp-boost");
        var members = new List<Guid>();
        for (var i = 0; i < 30; i++) members.Add(await t.MemberAsync(Unique($"b{i}"), name: $"B {i}"));
        var c = await CreateAndLaunchAsync(t, Request(holdout: 50, multiplier: 20_000, boostFrom: Clock.Now.AddHours(1), boostUntil: Clock.Now.AddDays(2)));
        await fixture.Get<RunCampaign>().ExecuteAsync(t.Id, c.Id);
        var recipient = members.First(m => !HeldOut(c.Id, m, 50));
        var heldOut = members.First(m => HeldOut(c.Id, m, 50));

        (await t.BuyAsync(recipient, 100_00)).EarnedCents.Should().Be(5_00, "before the window");
        Clock.Advance(TimeSpan.FromHours(2));
        var boosted = await t.BuyAsync(recipient, 100_00);
        (boosted.EarnedCents, boosted.RateBps).Should().Be((10_00L, 1000), "double inside the window");
        (await t.BuyAsync(heldOut, 100_00)).EarnedCents.Should().Be(5_00, "the holdout gets no boost");
        Clock.Advance(TimeSpan.FromDays(2));
        (await t.BuyAsync(recipient, 100_00)).EarnedCents.Should().Be(5_00, "after the window");
    }

    [Fact]
    public async Task Quiet_hours_hold_campaign_messages_and_the_frequency_cap_counts_them_with_automations()
    {
        Clock.StartAt(new DateTimeOffset(2026, 3, 3, 2, 0, 0, TimeSpan.Zero)); // 23:00 in São Paulo: quiet hours
        var (_, t) = await ShopAsync("camp-quiet");
        await t.ConfigureAsync(s => { s.MaxPerDay = 1; s.MaxPerWeek = 10; }, new AutomationSetting { Trigger = Triggers.Welcome, Enabled = true, Email = true, QuietHours = false });
        var capped = await t.MemberAsync(Unique("cap"), name: "Capped");
        await t.DispatchAsync(); // the welcome email goes at once (no quiet hours for it): the day's one message
        await t.ConfigureAsync(null, new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false });
        var fresh = await t.MemberAsync(Unique("fresh"), name: "Fresh");

        var c = await CreateAndLaunchAsync(t, Request(holdout: 0));
        await fixture.Get<RunCampaign>().ExecuteAsync(t.Id, c.Id);
        var messages = await t.MessagesAsync(Triggers.Campaign);
        messages.Single(m => m.CustomerId == capped).Should().Match<Message>(m => m.Status == MessageStatus.Skipped && m.Error!.Contains("Frequency cap"));
        var held = messages.Single(m => m.CustomerId == fresh);
        (held.Status, held.NotBefore).Should().Be((MessageStatus.Scheduled, new DateTimeOffset(2026, 3, 3, 11, 0, 0, TimeSpan.Zero)), "08:00 in São Paulo");
    }

    [Fact]
    public async Task A_campaign_is_validated_per_field_and_follows_the_plans_rule_for_automations()
    {
        var (_, t) = await ShopAsync("camp-valid");
        var refused = await LedgerTestKit.ShouldFailAsync(async () =>
        {
            await using var scope = t.Scope();
            await scope.Get<SaveCampaign>().ExecuteAsync(Request("segment:Nope", holdout: 80, bonus: -1, multiplier: 20_000) with
            {
                Name = "",
                Email = false,
                Body = "{{ nope }}",
            }, AuditActor.System);
        }, "validation");
        refused.Errors.Keys.Should().BeEquivalentTo(["Name", "Audience", "Email", "Body", "HoldoutPercent", "BonusAmount", "BoostUntil"]);
        (await t.WithDbAsync(db => db.Set<Campaign>().CountAsync())).Should().Be(0);

        // WhatsApp needs an approved template's name, and a plan with WhatsApp (the free plan has none); without automations, no campaign.
        await using (var scope = t.Scope())
            await scope.Db.Database.ExecuteSqlRawAsync("UPDATE tenants SET plan_code = 'free' WHERE id = {0}", t.Id);
        async Task<OperationFailed> RefusedAsync(SaveCampaign.Request r, string code) => await LedgerTestKit.ShouldFailAsync(async () =>
        {
            await using var scope = t.Scope();
            await scope.Get<SaveCampaign>().ExecuteAsync(r, AuditActor.System);
        }, code);
        // Another tenant's tag is no audience here.
        var (_, other) = await ShopAsync("camp-other");
        var theirCustomer = await other.MemberAsync(Unique("o"));
        var theirTag = await other.RunAsync<TagCustomer, Tag>(x => x.ExecuteAsync(theirCustomer, "Deles", AuditActor.System));
        (await RefusedAsync(Request($"tag:{theirTag.Id}"), "validation")).Errors.Keys.Should().Equal("Audience");
        (await RefusedAsync(Request() with { WhatsApp = true }, "validation")).Errors.Keys.Should().Equal("WhatsAppTemplate");
        var noWhatsApp = await RefusedAsync(Request() with { WhatsApp = true, WhatsAppTemplate = "promo" }, "plan_limit");
        (noWhatsApp.Status, noWhatsApp.Messages[""][0].Code).Should().Be((403, "plan_no_whatsapp"));
        await using (var scope = t.Scope())
            await scope.Db.Database.ExecuteSqlRawAsync("UPDATE plans SET automations_allowed = false WHERE code = 'free'");
        (await RefusedAsync(Request(), "plan_limit")).Messages[""][0].Code.Should().Be("plan_no_automations");
        await using (var scope = t.Scope())
            await scope.Db.Database.ExecuteSqlRawAsync("UPDATE plans SET automations_allowed = true WHERE code = 'free'");
    }

    [Fact]
    public async Task A_draft_or_a_scheduled_campaign_is_edited_on_its_page_with_the_same_validation_and_a_sent_one_is_not()
    {
        var (kit, t) = await ShopAsync("camp-edit");
        await t.MemberAsync(Unique("e"));
        Campaign draft;
        await using (var scope = t.Scope())
            draft = await scope.Get<SaveCampaign>().ExecuteAsync(Request(), AuditActor.System);
        Task<Campaign> ReadAsync() => t.WithDbAsync(db => db.Set<Campaign>().AsNoTracking().SingleAsync(c => c.Id == draft.Id));
        Task<int> AuditsAsync() => t.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "campaign.updated"));
        var url = $"/app/campaigns/{draft.Id}/edit";

        using var owner = fixture.CreateFormClient();
        (await owner.SignInAsync(kit.Owner.Email, kit.Owner.Password)).Dispose();
        var before = await ReadAsync();
        var page = WebUtility.HtmlDecode(await owner.GetPageAsync(url));
        page.Should().Contain("Editar campanha").And.Contain("value=\"Fim de semana em dobro\"").And.Contain("data-testid=\"save-campaign\"");
        WebUtility.HtmlDecode(await owner.GetPageAsync($"/app/campaigns/{draft.Id}")).Should().Contain(url);
        (await ReadAsync()).Should().BeEquivalentTo(before, "GET changes nothing");
        (await AuditsAsync()).Should().Be(0);

        var form = new Dictionary<string, string>
        {
            ["Input.Name"] = "Semana do cliente", ["Input.Audience"] = "all", ["Input.Email"] = "true", ["Input.WhatsApp"] = "false",
            ["Input.Subject"] = "Presente para {{ first_name }}", ["Input.Body"] = "Olá {{ first_name }}, ganhe um bônus.",
            ["Input.HoldoutPercent"] = "20", ["Input.Bonus"] = "5,00", ["Input.MeasureDays"] = "14",
        };
        using (var forged = await owner.PostAsync(url, form, token: null))
            forged.StatusCode.Should().Be(HttpStatusCode.BadRequest, "every POST needs the antiforgery token");
        using (var bad = await owner.SubmitAsync(url, new Dictionary<string, string>(form) { ["Input.Name"] = "", ["Input.HoldoutPercent"] = "80", ["Input.Bonus"] = "abc" }))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.OK);
            var html = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
            html.Should().Contain("Informe um valor como");
        }
        using (var bad = await owner.SubmitAsync(url, new Dictionary<string, string>(form) { ["Input.Name"] = "", ["Input.HoldoutPercent"] = "80" }))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.OK);
            WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync()).Should().Contain("Dê um nome à campanha (até 80 caracteres).")
                .And.Contain("Deixe de fora de 0 a 50% do público.");
        }
        (await ReadAsync()).Should().BeEquivalentTo(before, "a refused form changes nothing");
        (await AuditsAsync()).Should().Be(0);

        using (var ok = await owner.SubmitAsync(url, form))
        {
            ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
            ok.Headers.Location!.ToString().Should().Be($"/app/campaigns/{draft.Id}");
        }
        var edited = await ReadAsync();
        (edited.Name, edited.Subject, edited.HoldoutPercent, edited.BonusAmount, edited.MeasureDays, edited.Status)
            .Should().Be(("Semana do cliente", "Presente para {{ first_name }}", 20, 5_00L, 14, CampaignStatus.Draft));
        var audit = await t.WithDbAsync(db => db.Set<AuditEntry>().SingleAsync(a => a.Action == "campaign.updated"));
        (audit.SubjectType, audit.SubjectId, audit.UserId).Should().Be(("campaign", draft.Id.ToString(), kit.Owner.UserId));

        // Launched for later: still editable, and stays scheduled. Once planning began (sending, sent): no form, a clear message.
        await using (var scope = t.Scope())
            await scope.Get<LaunchCampaign>().ExecuteAsync(draft.Id, AuditActor.System);
        using (var ok = await owner.SubmitAsync(url, new Dictionary<string, string>(form) { ["Input.Name"] = "Semana do cliente 2" }))
            ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await ReadAsync()).Should().Match<Campaign>(c => c.Name == "Semana do cliente 2" && c.Status == CampaignStatus.Scheduled);
        Clock.StartAt(DateTimeOffset.UtcNow.AddMinutes(1)); // the pages' requests schedule it on the real clock
        await fixture.Get<RunCampaign>().ExecuteAsync(t.Id, draft.Id);
        var sent = await ReadAsync();
        sent.Status.Should().Be(CampaignStatus.Sent);
        WebUtility.HtmlDecode(await owner.GetPageAsync(url)).Should().Contain("não pode mais ser editada").And.NotContain("data-testid=\"save-campaign\"");
        WebUtility.HtmlDecode(await owner.GetPageAsync($"/app/campaigns/{draft.Id}")).Should().NotContain(url);
        var refused = await LedgerTestKit.ShouldFailAsync(async () =>
        {
            await using var scope = t.Scope();
            await scope.Get<UpdateCampaign>().ExecuteAsync(draft.Id, Request(), AuditActor.System);
        }, "conflict");
        refused.Status.Should().Be(409);
        (await ReadAsync()).Should().BeEquivalentTo(sent);

        // Another tenant's campaign is not found here; cashiers have no campaigns.
        var (_, other) = await ShopAsync("camp-edit-other");
        Campaign theirs;
        await using (var scope = other.Scope())
            theirs = await scope.Get<SaveCampaign>().ExecuteAsync(Request(), AuditActor.System);
        (await owner.GetAsync($"/app/campaigns/{theirs.Id}/edit")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var token = FormClient.FindAntiforgeryToken(await owner.GetPageAsync(url));
        (await owner.PostAsync($"/app/campaigns/{theirs.Id}/edit", form, token)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await other.WithDbAsync(db => db.Set<Campaign>().SingleAsync(c => c.Id == theirs.Id))).Name.Should().Be("Fim de semana em dobro");
        using var cashier = fixture.CreateFormClient();
        (await cashier.SignInAsync(kit.Cashier.Email, kit.Cashier.Password)).Dispose();
        (await cashier.GetAsync(url)).StatusCode.Should().BeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.Redirect);
    }
}
