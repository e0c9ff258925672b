using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;

namespace Smartbis.Tests.Automations;

/// <summary>Outbox → messages → email over a real SMTP server: content, opt-out, failures, quiet hours, cap, consent.</summary>
public sealed class MessagesTests(AutomationsFixture fixture) : IClassFixture<AutomationsFixture>, IAsyncLifetime
{
    private TestClock Clock => fixture.Clock;

    public Task InitializeAsync()
    {
        Clock.StartAt(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero)); // noon in São Paulo
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<TestTenant> ShopAsync(string name = "Farmácia Aurora") => fixture.CreateTenantAsync(SampleRules.Plain(), name: name);

    private static string Unique(string prefix = "ana") => $"{prefix}-{Guid.NewGuid():N}"[..20] + "@example.com";

    private List<MimeKit.MimeMessage> MailTo(string address) =>
        fixture.Smtp.Messages.Where(m => m.To.Mailboxes.Any(x => x.Address == address)).ToList();

    [Fact]
    public async Task A_purchase_sends_one_cashback_earned_email_with_amount_brand_and_an_opt_out_link_that_works_without_sign_in()
    {
        var shop = await ShopAsync("Aurora & Filhos");
        var email = Unique();
        var ana = await shop.MemberAsync(email, name: "<b>Ana</b> Souza");
        await shop.BuyAsync(ana, 100_00);

        await shop.DispatchAsync();
        await shop.DispatchAsync(); // a second run (or the sweeper) sends nothing twice

        var mail = MailTo(email);
        var earned = mail.Where(m => m.Subject!.Contains("R$ 5,00")).ToList();
        earned.Should().ContainSingle("one purchase earns one \"cashback earned\" email");
        var message = earned[0];
        message.Subject.Should().Be("Você ganhou R$ 5,00 de Cashback na Aurora & Filhos");
        message.From.Mailboxes.Single().Name.Should().Be("Aurora & Filhos", "the tenant is the sender name");
        message.HtmlBody.Should().Contain("&lt;b&gt;Ana&lt;/b&gt;", "customer data is HTML-encoded").And.NotContain("<b>Ana</b>");
        message.HtmlBody.Should().Contain("Aurora &amp; Filhos");
        message.TextBody.Should().Contain("<b>Ana</b>", "the plain-text part is not HTML").And.Contain("R$ 5,00");
        var unsubscribe = message.Headers["List-Unsubscribe"] ?? "";
        unsubscribe.Should().StartWith("<https://smartbis.test/unsubscribe/");
        message.Headers["List-Unsubscribe-Post"].Should().Be("List-Unsubscribe=One-Click");
        var link = new Uri(unsubscribe.Trim('<', '>'));
        message.HtmlBody!.Should().Contain(link.AbsolutePath);

        // The link works without signing in: GET asks, POST (one-click, no cookie, no antiforgery token) opts out.
        var client = fixture.App.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        var page = await client.GetAsync(link.AbsolutePath);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await shop.CustomerAsync(ana)).EmailConsent.Should().BeTrue("opening the link does not unsubscribe (link scanners do that)");
        var post = await client.PostAsync(link.AbsolutePath, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        post.StatusCode.Should().Be(HttpStatusCode.OK);
        (await post.Content.ReadAsStringAsync()).Should().Contain("unsubscribed");
        (await shop.CustomerAsync(ana)).EmailConsent.Should().BeFalse();
        (await shop.WithDbAsync(db => db.CustomerConsents.CountAsync(c => c.CustomerId == ana && !c.Granted && c.Source == "unsubscribe link"))).Should().Be(1);

        var forged = link.AbsolutePath[..^4] + (link.AbsolutePath.EndsWith("AAAA") ? "BBBB" : "AAAA");
        (await client.PostAsync(forged, new FormUrlEncodedContent([]))).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var before = MailTo(email).Count;
        await shop.BuyAsync(ana, 50_00);
        await shop.DispatchAsync();
        MailTo(email).Should().HaveCount(before, "after opting out nothing more is sent");
    }

    [Fact]
    public async Task SMTP_down_retries_later_and_delivers_once_a_5xx_bounces_and_a_drop_after_data_is_unknown()
    {
        var shop = await ShopAsync();
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        await shop.ConfigureAsync(null, new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false });

        fixture.Smtp.Stop();
        try
        {
            var purchase = await shop.BuyAsync(ana, 100_00);
            purchase.EarnedCents.Should().Be(5_00, "a ledger write never fails because a channel is down");
            await shop.DispatchAsync();
        }
        finally
        {
            await fixture.Smtp.StartAsync();
        }
        var m = (await shop.MessagesAsync(Triggers.CashbackEarned)).Single();
        m.Status.Should().Be(MessageStatus.Scheduled);
        m.Attempts.Should().Be(1);
        m.NotBefore.Should().Be(Clock.Now + DeliverMessages.Backoff(1));
        (await shop.AttemptsAsync(m.Id)).Single().Outcome.Should().Be("transient");

        await shop.DeliverAsync();
        MailTo(email).Should().BeEmpty("the retry waits for its backoff");
        Clock.Advance(DeliverMessages.Backoff(1));
        await shop.DeliverAsync();
        await shop.DeliverAsync();
        MailTo(email).Should().ContainSingle();
        (await shop.MessagesAsync(Triggers.CashbackEarned)).Single().Status.Should().Be(MessageStatus.Sent);
        (await shop.AttemptsAsync(m.Id)).Select(a => a.Outcome).Should().Equal("transient", "sent");

        var bounce = await shop.MemberAsync(Unique("bounce"));
        var drop = await shop.MemberAsync(Unique("drop"));
        await shop.BuyAsync(bounce, 100_00);
        await shop.BuyAsync(drop, 100_00);
        await shop.DispatchAsync();
        Clock.Advance(TimeSpan.FromHours(1));
        await shop.DeliverAsync();
        var all = await shop.MessagesAsync(Triggers.CashbackEarned);
        var bounced = all.Single(x => x.CustomerId == bounce);
        bounced.Status.Should().Be(MessageStatus.Bounced);
        bounced.Attempts.Should().Be(1, "a 5xx is not retried");
        bounced.Error.Should().Contain("550");
        var unknown = all.Single(x => x.CustomerId == drop);
        unknown.Status.Should().Be(MessageStatus.Unknown, "the connection dropped after the data was sent");
        unknown.Attempts.Should().Be(1, "an unknown outcome is not resent blindly");
    }

    [Fact]
    public async Task A_run_of_several_batches_over_parallel_connections_sends_each_message_once_and_records_every_refusal()
    {
        var shop = await ShopAsync();
        // More than one claimed batch (200), with refusals of every kind spread through it.
        var kinds = Enumerable.Range(0, 230).Select(i => i % 23 == 0 ? "bounce" : i % 23 == 1 ? "tempfail" : i % 23 == 2 ? "drop" : "ok").ToList();
        var members = new List<(Guid Id, string Email, string Kind)>();
        foreach (var kind in kinds)
        {
            var email = Unique(kind);
            members.Add((await shop.MemberAsync(email), email, kind));
        }
        await shop.WithDbAsync(db =>
        {
            foreach (var (id, email, _) in members)
                db.Messages.Add(new Message
                {
                    TenantId = shop.Id, Trigger = Triggers.CashbackAvailable, SubjectId = Guid.NewGuid(), Channel = Channel.Email,
                    CustomerId = id, Recipient = email, Variables = System.Text.Json.JsonDocument.Parse("""{"amountCents": 500}"""),
                    CreatedAt = Clock.Now, NotBefore = Clock.Now.AddMinutes(-1)
                });
            return db.SaveChangesAsync();
        });

        await shop.DeliverAsync();
        await shop.DeliverAsync(); // a second run finds nothing due: nothing is sent twice

        var messages = (await shop.MessagesAsync(Triggers.CashbackAvailable)).ToDictionary(m => m.CustomerId!.Value);
        var attempts = await shop.WithDbAsync(db => db.MessageAttempts.AsNoTracking().Where(a => a.TenantId == shop.Id).ToListAsync());
        var received = fixture.Smtp.Messages.Where(m => members.Any(x => m.To.Mailboxes.Any(a => a.Address == x.Email))).ToList();
        attempts.Should().HaveCount(members.Count, "every message was tried exactly once, and every try is recorded");
        foreach (var (id, email, kind) in members)
        {
            var m = messages[id];
            var (status, outcome) = kind switch
            {
                "bounce" => (MessageStatus.Bounced, "bounced"),
                "tempfail" => (MessageStatus.Scheduled, "transient"),
                "drop" => (MessageStatus.Unknown, "unknown"),
                _ => (MessageStatus.Sent, "sent"),
            };
            m.Status.Should().Be(status, email);
            m.Attempts.Should().Be(1);
            m.ClaimedUntil.Should().BeNull();
            attempts.Single(a => a.MessageId == m.Id).Outcome.Should().Be(outcome);
            if (kind == "tempfail") m.NotBefore.Should().Be(Clock.Now + DeliverMessages.Backoff(1));
            received.Count(r => r.To.Mailboxes.Any(a => a.Address == email)).Should().Be(kind == "ok" ? 1 : 0, email);
        }
        received.Select(m => m.Headers["X-Peer"]).Distinct().Count().Should().BeGreaterThan(1, "the run sends over several SMTP connections");

        // Only the transient ones are tried again after their backoff (and refused again); nothing else is resent.
        Clock.Advance(DeliverMessages.Backoff(1));
        await shop.DeliverAsync();
        var after = (await shop.MessagesAsync(Triggers.CashbackAvailable)).ToDictionary(m => m.CustomerId!.Value);
        members.Should().OnlyContain(x => after[x.Id].Attempts == (x.Kind == "tempfail" ? 2 : 1));
        fixture.Smtp.Messages.Count(m => members.Any(x => m.To.Mailboxes.Any(a => a.Address == x.Email)))
            .Should().Be(members.Count(x => x.Kind == "ok"));
    }

    [Fact]
    public async Task Quiet_hours_hold_a_message_until_the_morning_in_the_tenants_time_zone()
    {
        var shop = await ShopAsync();
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        await shop.ConfigureAsync(s => { s.QuietFrom = new TimeOnly(21, 0); s.QuietUntil = new TimeOnly(8, 0); },
            new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false },
            new AutomationSetting { Trigger = Triggers.CashbackEarned, QuietHours = true });
        Clock.StartAt(new DateTimeOffset(2026, 3, 3, 2, 30, 0, TimeSpan.Zero)); // 23:30 on the 2nd in São Paulo (UTC−3)
        await shop.BuyAsync(ana, 100_00);
        await shop.DispatchAsync();

        var m = (await shop.MessagesAsync(Triggers.CashbackEarned)).Single();
        m.NotBefore.Should().Be(new DateTimeOffset(2026, 3, 3, 11, 0, 0, TimeSpan.Zero), "08:00 in São Paulo");
        AutomationSetting.Default(Triggers.CashbackEarned).QuietHours.Should().BeFalse("by default the receipt of a purchase goes at once");
        AutomationSetting.Default(Triggers.WinBack).QuietHours.Should().BeTrue();
        MailTo(email).Should().BeEmpty();

        Clock.StartAt(new DateTimeOffset(2026, 3, 3, 10, 59, 0, TimeSpan.Zero));
        await shop.DeliverAsync();
        MailTo(email).Should().BeEmpty("07:59 is still quiet");
        Clock.StartAt(new DateTimeOffset(2026, 3, 3, 11, 0, 0, TimeSpan.Zero));
        await shop.DeliverAsync();
        MailTo(email).Should().ContainSingle();
    }

    [Fact]
    public async Task The_frequency_cap_holds_and_nothing_goes_without_consent_or_to_an_unclaimed_walk_in()
    {
        var shop = await ShopAsync();
        await shop.ConfigureAsync(s => { s.MaxPerDay = 2; s.MaxPerWeek = 10; }, new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false });
        var email = Unique();
        var ana = await shop.MemberAsync(email);
        for (var i = 0; i < 3; i++) await shop.BuyAsync(ana, 100_00 + i);
        await shop.DispatchAsync();
        var ms = await shop.MessagesAsync(Triggers.CashbackEarned);
        ms.Count(m => m.Status == MessageStatus.Sent).Should().Be(2);
        ms.Single(m => m.Status == MessageStatus.Skipped).Error.Should().Contain("Frequency cap");
        MailTo(email).Should().HaveCount(2);

        Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await shop.BuyAsync(ana, 100_00);
        await shop.DispatchAsync();
        MailTo(email).Should().HaveCount(3, "the daily cap counts the last 24 hours");

        var noConsent = Unique("bob");
        var bob = await shop.MemberAsync(noConsent, name: "Bob", emailConsent: false);
        await shop.BuyAsync(bob, 100_00);
        var walkIn = await shop.RecordAsync(shop.Purchase(null, 100_00, phone: LedgerTestKit.NewPhone()));
        walkIn.Value.CustomerUnclaimed.Should().BeTrue();
        await shop.DispatchAsync();
        (await shop.MessagesAsync()).Should().NotContain(m => m.CustomerId == bob || m.CustomerId == walkIn.Value.CustomerId);
        MailTo(noConsent).Should().BeEmpty();
    }

    [Fact]
    public async Task Each_recurring_job_run_twice_and_concurrently_makes_one_voucher_per_threshold_crossing_and_one_message_per_subject()
    {
        var rules = SampleRules.Velluto();
        rules.PendingDays = 0;
        var shop = await fixture.CreateTenantAsync(rules);
        await shop.ConfigureAsync(null, new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false });
        var ana = await shop.MemberAsync(Unique());
        await shop.BuyAsync(ana, 410_00); // 20,50 available: one R$ 20,00 voucher

        async Task Run(string kind)
        {
            await using var scope = shop.Scope();
            await scope.Get<AutomationJobs>().RunForTenantAsync(kind, shop.Id);
        }
        await Task.WhenAll(Run(JobKinds.IssueVouchers), Run(JobKinds.IssueVouchers), Run(JobKinds.IssueVouchers));
        await Run(JobKinds.IssueVouchers);
        (await shop.VouchersAsync(ana)).Should().ContainSingle().Which.ValueCents.Should().Be(20_00);
        (await shop.MessagesAsync(Triggers.VoucherIssued)).Should().ContainSingle().Which.Status.Should().Be(MessageStatus.Sent);
        var voucherMail = fixture.Smtp.Messages.Single(m => m.Subject!.Contains("vale de R$ 20,00"));
        voucherMail.TextBody.Should().MatchRegex("[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", "the voucher code is in the message");

        Clock.Advance(TimeSpan.FromDays(25)); // the voucher (30 days) expires within the default 7 days
        await Task.WhenAll(Run(JobKinds.ExpiringSoon), Run(JobKinds.ExpiringSoon));
        await Run(JobKinds.ExpiringSoon);
        (await shop.MessagesAsync(Triggers.ExpiringSoon)).Should().ContainSingle("one per voucher, however often the scan runs");

        Clock.Advance(TimeSpan.FromDays(60));
        await Task.WhenAll(Run(JobKinds.WinBack), Run(JobKinds.WinBack));
        await Run(JobKinds.WinBack);
        (await shop.MessagesAsync(Triggers.WinBack)).Should().ContainSingle("one win-back per stretch without purchases");

        await Task.WhenAll(Run(JobKinds.ExpireCredits), Run(JobKinds.ExpireCredits), Run(JobKinds.ReleaseCredits), Run(JobKinds.ReleaseCredits));
        (await shop.VouchersAsync(ana)).Single().Status.Should().Be(Smartbis.Web.Features.Vouchers.VoucherStatus.Expired);
        (await shop.CheckLedgerAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_birthday_is_greeted_once_on_the_day_in_the_tenants_time_zone()
    {
        var shop = await ShopAsync();
        await shop.ConfigureAsync(null, new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false });
        // 02:30 UTC on 3 March is still 2 March in São Paulo.
        Clock.StartAt(new DateTimeOffset(2026, 3, 3, 2, 30, 0, TimeSpan.Zero));
        var ana = await shop.MemberAsync(Unique(), birthDate: new DateOnly(1990, 3, 2));
        var bia = await shop.MemberAsync(Unique("bia"), name: "Bia", birthDate: new DateOnly(1990, 3, 3));
        var scans = fixture.Get<ScanCustomers>();
        await Task.WhenAll(scans.BirthdaysAsync(shop.Id), scans.BirthdaysAsync(shop.Id));
        var ms = await shop.MessagesAsync(Triggers.Birthday);
        ms.Should().ContainSingle().Which.CustomerId.Should().Be(ana);
        bia.Should().NotBeEmpty();
    }
}
