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
    public async Task Export_returns_a_csv_of_the_customers_and_is_audited()
    {
        var (t, _, client) = await SetUpAsync("cust-export");
        using (client)
        {
            using var response = await client.GetAsync("/app/customers/export");
            response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
            var csv = await response.Content.ReadAsStringAsync();
            csv.Should().Contain("name,phone,email").And.Contain("Maria Souza,\"+5511987654321\",maria@example.com").And.Contain("João Lima");
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
            lines.Should().Contain(l => l.StartsWith("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\","), "a spreadsheet must show it, not run it");
            lines.Should().Contain(l => l.StartsWith("\"'-2+3+cmd\","));
            lines.Should().Contain(l => l.Contains(",\"+5511933334444\","), "phones keep their leading +");
        }
    }
}
