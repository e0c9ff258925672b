using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Automations;

/// <summary>
/// The nightly scans plan with <see cref="PlanMessagesInBulk"/>, the rules of <see cref="PlanMessages"/> in SQL. The same
/// requests planned both ways, in two tenants set up alike, must give the same messages: consent and opt-out per channel,
/// nobody unclaimed or blocked, quiet hours in the tenant's zone, the cap (counting earlier messages and the call's own),
/// locale, variables, once per (trigger, subject, channel).
/// </summary>
public sealed class PlanMessagesInBulkTests(AutomationsFixture fixture) : IClassFixture<AutomationsFixture>, IAsyncLifetime
{
    private TestClock Clock => fixture.Clock;

    public Task InitializeAsync()
    {
        Clock.StartAt(new DateTimeOffset(2026, 3, 3, 2, 30, 0, TimeSpan.Zero)); // 23:30 on the 2nd in São Paulo: quiet hours
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed record Shop(TestTenant Tenant, Dictionary<string, Guid> Customers);

    /// <summary>A tenant with a member of every kind the planner must tell apart, keyed by name (ids differ between tenants).</summary>
    private async Task<Shop> ShopAsync(string name)
    {
        var t = await fixture.CreateTenantAsync(SampleRules.Plain(), name: name);
        await t.UseWhatsAppAsync("5511" + Random.Shared.Next(1_000_000, 9_999_999), "token"); // a phone number id is unique across tenants
        await t.ConfigureAsync(s => { s.MaxPerDay = 2; s.MaxPerWeek = 3; s.QuietFrom = new TimeOnly(21, 0); s.QuietUntil = new TimeOnly(8, 0); },
            new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false },
            new AutomationSetting { Trigger = Triggers.ExpiringSoon, Email = true, WhatsApp = true, QuietHours = true, DelayMinutes = 5 });
        var c = new Dictionary<string, Guid>
        {
            ["ana"] = await t.MemberAsync("ana@example.com", name: "Ana"),
            ["bob-no-consent"] = await t.MemberAsync("bob@example.com", name: "Bob", emailConsent: false),
            ["cai-both"] = await t.MemberAsync("cai@example.com", name: "Cai", whatsAppConsent: true, phone: "+5511990000001"),
            ["dan-english"] = await t.MemberAsync("dan@example.com", name: "Dan", locale: "en-US"),
            ["eva-blocked"] = await t.MemberAsync("eva@example.com", name: "Eva"),
            ["fia-opted-out"] = await t.MemberAsync("fia@example.com", name: "Fia", whatsAppConsent: true, phone: "+5511990000002"),
            ["gil-busy"] = await t.MemberAsync("gil@example.com", name: "Gil"),
            ["hal-week"] = await t.MemberAsync("hal@example.com", name: "Hal"),
        };
        c["ivo-walk-in"] = (await t.RecordAsync(t.Purchase(null, 100_00, phone: "+5511990000003"))).Value.CustomerId;
        await using (var scope = t.Scope())
        {
            var db = scope.Db;
            await db.Customers.Where(x => x.Id == c["eva-blocked"]).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, CustomerStatus.Blocked));
            await db.Customers.Where(x => x.Id == c["fia-opted-out"]).ExecuteUpdateAsync(s => s.SetProperty(x => x.EmailConsent, false));
            // Gil had one message today and Hal three this week on email: the cap counts them (a skipped one and a test do not).
            Message Sent(string who, int hoursAgo, MessageStatus status = MessageStatus.Sent, string trigger = Triggers.CashbackEarned) => new()
            {
                Trigger = trigger, SubjectId = Guid.NewGuid(), Channel = Channel.Email, CustomerId = c[who], Status = status,
                Recipient = who, CreatedAt = Clock.Now.AddHours(-hoursAgo), NotBefore = Clock.Now.AddHours(-hoursAgo),
            };
            db.Messages.AddRange(Sent("gil-busy", 2), Sent("gil-busy", 3, MessageStatus.Skipped), Sent("gil-busy", 4, trigger: Triggers.Test),
                Sent("hal-week", 30), Sent("hal-week", 50), Sent("hal-week", 70), Sent("hal-week", 200));
            await db.SaveChangesAsync();
        }
        await t.DispatchAsync(); // the walk-in's purchase: nothing for an unclaimed customer, but its outbox is emptied
        return new Shop(t, c);
    }

    /// <summary>Three expiring lots per customer (the same subject ids in both tenants) and one subject already planned.</summary>
    private static List<PlanMessages.Request> Requests(Shop shop, Guid[] subjects) =>
        shop.Customers.OrderBy(c => c.Key).SelectMany((c, i) => Enumerable.Range(0, 3).Select(k => new PlanMessages.Request(Triggers.ExpiringSoon, c.Value,
            subjects[i * 3 + k], new Dictionary<string, object?> { ["amountCents"] = 100L * (k + 1), ["expiresAt"] = new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero) })))
        .ToList();

    private static async Task<List<string>> OutcomeAsync(Shop shop)
    {
        var names = shop.Customers.ToDictionary(c => c.Value, c => c.Key);
        var ms = await shop.Tenant.MessagesAsync(Triggers.ExpiringSoon);
        return ms.Select(m => $"{names[m.CustomerId!.Value]} {m.SubjectId} {m.Channel} {m.Status} {m.Error} {m.Locale} {m.Recipient} {m.NotBefore:O} {m.CreatedAt:O} " +
                              m.Variables.RootElement.GetRawText())
            .Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task Planned_in_bulk_a_chunk_gives_the_same_messages_as_planned_one_at_a_time()
    {
        var one = await ShopAsync("One at a time");
        var bulk = await ShopAsync("In bulk");
        var subjects = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToArray();
        var unit = fixture.Get<LedgerUnit>();
        var now = Clock.Now;

        // Planned earlier in both: the second subject of Ana (the cap then counts it like any other message of today).
        foreach (var shop in new[] { one, bulk })
            await unit.RunAsync(shop.Tenant.Id, db => PlanMessages.PlanAsync(db, Requests(shop, subjects)[1], now.AddMinutes(-10)));

        await unit.RunAsync(one.Tenant.Id, async db =>
        {
            var n = 0;
            foreach (var r in Requests(one, subjects)) n += await PlanMessages.PlanAsync(db, r, now);
            return n;
        });
        var planned = await unit.RunAsync(bulk.Tenant.Id, db => PlanMessagesInBulk.PlanAsync(db, Triggers.ExpiringSoon, Requests(bulk, subjects), now));

        var expected = await OutcomeAsync(one);
        (await OutcomeAsync(bulk)).Should().Equal(expected);
        planned.Should().Be(expected.Count - 1, "the subject planned earlier is not written again");

        var ms = await bulk.Tenant.MessagesAsync(Triggers.ExpiringSoon);
        var by = bulk.Customers;
        ms.Should().NotContain(m => m.CustomerId == by["bob-no-consent"] || m.CustomerId == by["eva-blocked"] || m.CustomerId == by["ivo-walk-in"]);
        ms.Where(m => m.CustomerId == by["fia-opted-out"]).Should().OnlyContain(m => m.Channel == Channel.WhatsApp, "opted out of email, not of WhatsApp");
        ms.Where(m => m.CustomerId == by["cai-both"]).Select(m => m.Channel).Distinct().Should().BeEquivalentTo([Channel.Email, Channel.WhatsApp]);
        ms.Single(m => m.CustomerId == by["dan-english"] && m.SubjectId == subjects[3 * 3]).Locale.Should().Be("en");
        ms.Should().OnlyContain(m => m.NotBefore == new DateTimeOffset(2026, 3, 3, 11, 0, 0, TimeSpan.Zero), "08:00 in São Paulo, after the quiet hours");
        // Two a day: the one planned earlier and the first of this run go; the third is skipped.
        ms.Where(m => m.CustomerId == by["ana"]).ToDictionary(m => m.SubjectId, m => m.Status).Should().BeEquivalentTo(new Dictionary<Guid, MessageStatus>
        { [subjects[0]] = MessageStatus.Scheduled, [subjects[1]] = MessageStatus.Scheduled, [subjects[2]] = MessageStatus.Skipped });
        ms.Where(m => m.CustomerId == by["gil-busy"]).Count(m => m.Status == MessageStatus.Scheduled).Should().Be(1, "one sent today, two a day");
        ms.Where(m => m.CustomerId == by["hal-week"]).Should().OnlyContain(m => m.Status == MessageStatus.Skipped && m.Error == "Frequency cap: 3 per week");
    }

    [Fact]
    public async Task The_win_back_scan_run_twice_and_concurrently_plans_each_inactive_member_once()
    {
        var shop = await fixture.CreateTenantAsync(SampleRules.Plain(), name: "Win-back");
        await shop.ConfigureAsync(s => { s.MaxPerDay = 1; s.MaxPerWeek = 1; }, new AutomationSetting { Trigger = Triggers.Welcome, Enabled = false });
        var members = new List<Guid>();
        for (var i = 0; i < 25; i++) members.Add(await shop.MemberAsync($"wb{i}@example.com", name: $"Member {i}"));
        await shop.BuyAsync(members[0], 50_00);
        await shop.DispatchAsync();
        Clock.Advance(TimeSpan.FromDays(61));
        var active = await shop.MemberAsync("new@example.com", name: "Joined yesterday");

        var scans = fixture.Get<ScanCustomers>();
        var runs = await Task.WhenAll(scans.WinBackAsync(shop.Id), scans.WinBackAsync(shop.Id), scans.WinBackAsync(shop.Id));
        runs.Sum().Should().Be(25, "each inactive member once, whichever run planned them");
        (await scans.WinBackAsync(shop.Id)).Should().Be(0);

        var ms = await shop.MessagesAsync(Triggers.WinBack);
        ms.Select(m => m.CustomerId!.Value).Should().BeEquivalentTo(members);
        ms.Should().NotContain(m => m.CustomerId == active);
        // Member 0 got a cashback message 61 days ago: outside the week, so the cap leaves the win-back scheduled.
        ms.Should().OnlyContain(m => m.Status == MessageStatus.Scheduled);
        var purchase = await shop.WithDbAsync(db => db.Purchases.Where(p => p.CustomerId == members[0]).Select(p => p.Id).SingleAsync());
        ms.Single(m => m.CustomerId == members[0]).SubjectId.Should().Be(purchase, "one win-back per stretch without purchases: its subject is the last purchase");
    }
}
