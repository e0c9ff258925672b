using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Dashboard;

public sealed class CustomersPagesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private async Task<(TenantKit.TestTenant T, Guid Maria, FormClient Client)> SetUpAsync(string slug)
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, slug);
        Guid maria;
        await using (var scope = fixture.CreateScope(t.Id))
        {
            scope.Db.ProgramRules.Add(new Web.Features.Programs.ProgramRules { Version = 1, EffectiveFrom = DateTimeOffset.UtcNow.AddDays(-1), CreatedAt = DateTimeOffset.UtcNow });
            await scope.Db.SaveChangesAsync();
            var enroll = scope.Get<EnrollCustomer>();
            maria = (await enroll.ExecuteAsync(new EnrollCustomer.Request("Maria Souza", "+5511987654321", "maria@example.com", Cpf: "52998224725"))).CustomerId;
            await enroll.ExecuteAsync(new EnrollCustomer.Request("João Lima", "+5511912345678", null));
        }
        var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Manager.Email, t.Manager.Password)).Dispose();
        return (t, maria, client);
    }

    [Theory]
    [InlineData("maria")]
    [InlineData("(11) 98765-4321")]
    [InlineData("MARIA@example.com")]
    [InlineData("529.982.247-25")]
    public async Task Search_finds_a_customer_by_name_phone_email_or_cpf(string q)
    {
        var (_, maria, client) = await SetUpAsync("cust-search-" + Math.Abs(q.GetHashCode() % 10000));
        using (client)
        {
            var html = await client.GetPageAsync("/app/customers?q=" + Uri.EscapeDataString(q));
            html.Should().Contain($"/app/customers/{maria}").And.NotContain("João Lima");
        }
    }

    [Fact]
    public async Task The_detail_page_lists_the_customers_messages_with_their_outcome()
    {
        var (t, maria, client) = await SetUpAsync("cust-messages");
        using (client)
        {
            (await client.GetPageAsync($"/app/customers/{maria}?culture=en")).Should().Contain("No message sent to this customer yet.");
            await using (var scope = fixture.CreateScope(t.Id))
            {
                var now = DateTimeOffset.UtcNow;
                scope.Db.Messages.Add(new Web.Features.Automations.Message
                {
                    TenantId = t.Id, Trigger = "voucher_issued", SubjectId = Guid.NewGuid(),
                    Channel = Channel.Email, CustomerId = maria, Status = Web.Features.Automations.MessageStatus.Bounced, Error = "550 mailbox unavailable",
                    Recipient = "maria@example.com", CreatedAt = now, NotBefore = now
                });
                await scope.Db.SaveChangesAsync();
            }
            var html = await client.GetPageAsync($"/app/customers/{maria}?culture=en");
            html.Should().Contain("data-testid=\"customer-messages\"").And.Contain("550 mailbox unavailable").And.NotContain("No message sent to this customer yet.");
        }
    }

    [Fact]
    public async Task A_manager_adjusts_a_balance_with_a_reason_audited_and_blocks_the_customer()
    {
        var (t, maria, client) = await SetUpAsync("cust-adjust");
        using (client)
        {
            var noReason = await client.SubmitAsync($"/app/customers/{maria}?culture=en",
                new Dictionary<string, string> { ["Adjust.Amount"] = "15.00", ["Adjust.Direction"] = "credit", ["Adjust.Reason"] = "" }, $"/app/customers/{maria}?handler=Adjust&culture=en");
            noReason.StatusCode.Should().Be(HttpStatusCode.OK);
            (await noReason.Content.ReadAsStringAsync()).Should().MatchRegex("data-valmsg-for=\"Adjust.Reason\"[^>]*>[^<]+<");

            using (var ok = await client.SubmitAsync($"/app/customers/{maria}?culture=en",
                       new Dictionary<string, string> { ["Adjust.Amount"] = "15.00", ["Adjust.Direction"] = "credit", ["Adjust.Reason"] = "Goodwill after a late delivery", ["Adjust.IdempotencyKey"] = Guid.NewGuid().ToString("N") },
                       $"/app/customers/{maria}?handler=Adjust&culture=en"))
                ok.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);
            var page = await client.GetPageAsync($"/app/customers/{maria}?culture=en");
            page.Should().Contain("Goodwill after a late delivery").And.Contain("manager@cust-adjust.test");

            using (var block = await client.SubmitAsync($"/app/customers/{maria}", new Dictionary<string, string> { ["block"] = "true" }, $"/app/customers/{maria}?handler=Block"))
                block.StatusCode.Should().Be(HttpStatusCode.Redirect);

            await using var scope = fixture.CreateScope(t.Id);
            (await scope.Db.Accounts.SingleAsync(a => a.CustomerId == maria)).AvailableCents.Should().Be(15_00);
            (await scope.Db.LedgerEntries.SingleAsync(e => e.CustomerId == maria && e.Kind == EntryKind.Adjustment)).AuthorUserId.Should().Be(t.Manager.UserId);
            (await scope.Db.Customers.SingleAsync(c => c.Id == maria)).Status.Should().Be(CustomerStatus.Blocked);
            var audit = await scope.Db.Set<Web.Features.Audit.AuditEntry>().Select(a => a.Action).ToListAsync();
            audit.Should().Contain("balance.adjusted").And.Contain("customer.blocked");
        }
    }

    [Fact]
    public async Task A_deleted_account_shows_as_deleted_offers_no_actions_and_refuses_them_on_the_server()
    {
        var (t, maria, client) = await SetUpAsync("cust-deleted");
        using (client)
        {
            // The form's antiforgery token, taken while the account still existed (a stale tab).
            var before = await client.GetPageAsync($"/app/customers/{maria}?culture=en");
            var token = FormClient.FindAntiforgeryToken(before)!;
            await using (var scope = fixture.CreateScope(t.Id))
                await scope.Get<Web.Features.Portal.DeleteAccount>().ExecuteAsync(maria);

            var list = await client.GetPageAsync("/app/customers?culture=en");
            var row = list[list.IndexOf($"/app/customers/{maria}", StringComparison.Ordinal)..];
            row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
            row.Should().Contain("(deleted account)").And.Contain("data-testid=\"deleted-badge\"").And.NotContain(">Member<");

            var detail = await client.GetPageAsync($"/app/customers/{maria}?culture=en");
            detail.Should().Contain("Deleted account").And.Contain("data-testid=\"deleted-note\"")
                .And.NotContain("Adjust balance").And.NotContain("handler=Adjust").And.NotContain("data-testid=\"block-toggle\"");

            // A forged (or stale) adjustment is refused with a clear message and changes nothing.
            using var forged = await client.PostAsync($"/app/customers/{maria}?handler=Adjust&culture=en", new Dictionary<string, string>
            {
                ["Adjust.Amount"] = "15.00", ["Adjust.Direction"] = "credit", ["Adjust.Reason"] = "Goodwill", ["Adjust.IdempotencyKey"] = Guid.NewGuid().ToString("N"),
            }, token);
            forged.StatusCode.Should().Be(HttpStatusCode.OK);
            (await forged.Content.ReadAsStringAsync()).Should().Contain("This customer deleted their account");
            await using var check = fixture.CreateScope(t.Id);
            (await check.Db.Accounts.SingleAsync(a => a.CustomerId == maria)).AvailableCents.Should().Be(0);
            (await check.Db.LedgerEntries.CountAsync(e => e.CustomerId == maria && e.Kind == EntryKind.Adjustment)).Should().Be(0);
            var bonus = async () => await check.Get<GrantBonus>().ExecuteAsync(new GrantBonus.Request(maria, BonusKind.Birthday, "birthday:deleted", 5_00));
            (await bonus.Should().ThrowAsync<Web.Infrastructure.OperationFailed>()).Which.Code.Should().Be("customer_deleted");
        }
    }

    [Fact]
    public async Task The_list_shows_available_pending_and_vouchers_apart_sorts_by_each_column_and_puts_recent_members_first()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "cust-columns");
        Guid ana, bruno, carla;
        await using (var scope = fixture.CreateScope(t.Id))
        {
            scope.Db.ProgramRules.Add(new Web.Features.Programs.ProgramRules
            {
                Version = 1, EffectiveFrom = DateTimeOffset.UtcNow.AddDays(-1), CreatedAt = DateTimeOffset.UtcNow, EarnRateBps = 500, PendingDays = 7,
                VoucherMode = Web.Features.Programs.VoucherMode.Threshold, VoucherThresholdCents = 20_00, VoucherValidityDays = 30,
            });
            await scope.Db.SaveChangesAsync();
        }
        async Task<Guid> Join(string name, string phone)
        {
            await using var scope = fixture.CreateScope(t.Id);
            return (await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request(name, phone, null))).CustomerId;
        }
        async Task Adjust(Guid id, long cents)
        {
            await using var scope = fixture.CreateScope(t.Id);
            await scope.Get<AdjustBalance>().ExecuteAsync(new AdjustBalance.Request(id, cents, "Test", t.Manager.UserId, Guid.NewGuid().ToString("N")));
        }
        async Task Buy(Guid? id, long cents, string? phone = null)
        {
            await using var scope = fixture.CreateScope(t.Id);
            await scope.Get<Web.Features.Purchases.RecordPurchase>().ExecuteAsync(new Web.Features.Purchases.RecordPurchase.Request(
                t.StoreId, id, phone, cents, "R-" + Guid.NewGuid().ToString("N")[..10], Guid.NewGuid().ToString("N"), null, 0, null, null));
        }
        carla = await Join("Carla Dias", "+5511911110003");
        await Adjust(carla, 5_00);
        bruno = await Join("Bruno Reis", "+5511911110002");
        await Adjust(bruno, 30_00);
        await using (var scope = fixture.CreateScope(t.Id))
            await scope.Get<Web.Features.Vouchers.IssueVouchers>().ExecuteAsync(t.Id, DateTimeOffset.UtcNow); // Bruno: R$ 20,00 voucher, R$ 10,00 left
        ana = await Join("Ana Lima", "+5511911110001");
        await Adjust(ana, 1_00);
        await Buy(ana, 1_000_00); // R$ 50,00 pending
        await Buy(null, 30_00, "+5511911110009"); // a nameless walk-in, the latest activity of all

        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Manager.Email, t.Manager.Password)).Dispose();
        async Task<List<(string Id, long Available, long Pending, long Vouchers)>> Rows(string query)
        {
            var html = await client.GetPageAsync("/app/customers?culture=en" + query);
            var body = html[html.IndexOf("<tbody>", StringComparison.Ordinal)..html.IndexOf("</tbody>", StringComparison.Ordinal)];
            static long Cents(string row, string col)
            {
                var m = System.Text.RegularExpressions.Regex.Match(row, $"data-col=\"{col}\">([^<]*)<");
                return long.Parse(new string(WebUtility.HtmlDecode(m.Groups[1].Value).Where(char.IsDigit).ToArray()));
            }
            return [.. body.Split("<tr>").Skip(1).Select(r => (System.Text.RegularExpressions.Regex.Match(r, "/app/customers/([0-9a-f-]{36})").Groups[1].Value,
                Cents(r, "available"), Cents(r, "pending"), Cents(r, "vouchers")))];
        }

        var byDefault = await Rows("");
        byDefault.Select(r => r.Id).Should().Equal([ana.ToString(), bruno.ToString(), carla.ToString(), byDefault[3].Id],
            "members first, most recent activity first; the nameless walk-in last");
        byDefault.Single(r => r.Id == bruno.ToString()).Should().Be((bruno.ToString(), 10_00L, 0L, 20_00L), "available and vouchers apart, as on the detail page");
        byDefault.Single(r => r.Id == ana.ToString()).Should().Be((ana.ToString(), 1_00L, 50_00L, 0L));

        (await Rows("&sort=available")).Select(r => r.Id).Take(3).Should().Equal(bruno.ToString(), carla.ToString(), ana.ToString());
        (await Rows("&sort=balance")).Select(r => r.Id).Take(3).Should().Equal([bruno.ToString(), carla.ToString(), ana.ToString()], "old links sort by available too");
        (await Rows("&sort=pending")).Select(r => r.Id).First().Should().Be(ana.ToString());
        (await Rows("&sort=vouchers")).Select(r => r.Id).First().Should().Be(bruno.ToString());
        (await Rows("&sort=name")).Select(r => r.Id).Should().Equal([ana.ToString(), bruno.ToString(), carla.ToString(), byDefault[3].Id], "nameless last");
        var last = await Rows("&sort=last");
        (last[0].Id, last[1].Id).Should().Be((byDefault[3].Id, ana.ToString()), "by last purchase; those who never bought after");
        var header = await client.GetPageAsync("/app/customers?culture=en");
        header.Should().Contain(">Available").And.Contain(">Pending").And.Contain(">In vouchers").And.NotContain(">Balance<");
    }

    [Fact]
    public async Task Export_returns_a_csv_of_the_customers_and_is_audited()
    {
        var (t, _, client) = await SetUpAsync("cust-export");
        using (client)
        {
            using var response = await client.GetAsync("/app/customers/export");
            response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
            var csv = await response.Content.ReadAsStringAsync();
            csv.Should().Contain("name;phone;email").And.Contain("Maria Souza;\"+5511987654321\";maria@example.com").And.Contain("João Lima");
            // Excel in pt-BR: semicolons, decimal commas, dates and times in the tenant's zone without an offset.
            var maria = csv.Split('\n').Single(l => l.StartsWith("Maria Souza;", StringComparison.Ordinal)).Split(';');
            maria[10].Should().Be("0,00");
            maria[7].Should().MatchRegex(@"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$");
            await using var read = fixture.CreateScope(t.Id);
            var joined = await read.Db.Customers.Where(c => c.Name == "Maria Souza").Select(c => c.JoinedAt).SingleAsync();
            maria[7].Should().Be(TimeZoneInfo.ConvertTime(joined!.Value, TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo")).ToString("dd/MM/yyyy HH:mm"));
            await using var scope = fixture.CreateScope(t.Id);
            (await scope.Db.Set<Web.Features.Audit.AuditEntry>().CountAsync(a => a.Action == "customers.exported")).Should().Be(1);
        }
    }

    [Fact]
    public async Task Export_writes_names_that_look_like_formulas_as_text()
    {
        var (t, _, client) = await SetUpAsync("cust-export-formula");
        await using (var scope = fixture.CreateScope(t.Id))
        {
            var enroll = scope.Get<EnrollCustomer>();
            await enroll.ExecuteAsync(new EnrollCustomer.Request("=HYPERLINK(\"http://evil\",\"x\")", "+5511933334444", null));
            await enroll.ExecuteAsync(new EnrollCustomer.Request("-2+3+cmd", "+5511955556666", null));
        }
        using (client)
        {
            using var response = await client.GetAsync("/app/customers/export");
            var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
            lines.Should().Contain(l => l.StartsWith("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\";"), "a spreadsheet must show it, not run it");
            lines.Should().Contain(l => l.StartsWith("\"'-2+3+cmd\";"));
            lines.Should().Contain(l => l.Contains(";\"+5511933334444\";"), "phones keep their leading +");
        }
    }
}
