using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Api;
using Smartbis.Tests.Counter;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Operations;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Operations;

public sealed class OperationsFixture : DatabaseFixture
{
    public const string OperatorEmail = "owner@ops-operator.test";

    protected override void ConfigureSettings(IDictionary<string, string?> settings) =>
        settings["Smartbis:Operators"] = OperatorEmail;
}

/// <summary>
/// Suspension against real PostgreSQL: every recording path refused with 403 and the reason (operations, counter, dashboard,
/// portal, API), reads kept, jobs skipped, audited, and a reactivation that resumes without a burst of late messages.
/// </summary>
public sealed class SuspensionTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    private const string Reason = "Invoice 2026-11 unpaid";
    private static readonly AuditActor Operator = new(null, OperationsFixture.OperatorEmail, null, "127.0.0.1");

    private async Task SuspendAsync(Guid tenantId, string reason = Reason)
    {
        await using var scope = fixture.CreateScope();
        await scope.Get<SuspendTenant>().ExecuteAsync(new SuspendTenant.Request(tenantId, reason), Operator);
    }

    private async Task<ReactivateTenant.Result> ReactivateAsync(Guid tenantId)
    {
        await using var scope = fixture.CreateScope();
        return await scope.Get<ReactivateTenant>().ExecuteAsync(new ReactivateTenant.Request(tenantId, "Paid on 2026-12-05"), Operator);
    }

    private static async Task ShouldBeSuspendedAsync(Func<Task> write, string what)
    {
        var refused = (await write.Should().ThrowAsync<OperationFailed>(what)).Which;
        refused.Code.Should().Be(Suspension.Code, what);
        refused.Status.Should().Be(403, what);
        refused.Message.Should().Contain(Reason, what);
    }

    [Fact]
    public async Task Every_recording_operation_is_refused_while_suspended_and_nothing_changes()
    {
        var kit = await CounterKit.CreateAsync(fixture, "ops-writes");
        var (ana, phone) = await kit.EnrollAsync("Ana", "ana@ops-writes.test");
        var bought = await kit.BuyAsync(ana, 200_00);
        var before = await kit.BalancesAsync(ana);

        await SuspendAsync(kit.Id);

        await using (var scope = kit.Scope())
        {
            await ShouldBeSuspendedAsync(() => kit.BuyAsync(ana, 100_00), "a purchase");
            await ShouldBeSuspendedAsync(() => scope.Get<RecordPurchase>().ExecuteAsync(new RecordPurchase.Request(
                kit.Tenant.StoreId, ana, null, 50_00, null, LedgerTestKit.NewKey(), PayWithCashbackCents: 5_00)), "a redemption of cashback");
            await ShouldBeSuspendedAsync(() => scope.Get<RefundPurchase>().ExecuteAsync(new RefundPurchase.Request(
                bought.PurchaseId, 100_00, "Returned", LedgerTestKit.NewKey())), "a refund");
            await ShouldBeSuspendedAsync(() => scope.Get<AdjustBalance>().ExecuteAsync(new AdjustBalance.Request(
                ana, 10_00, "Goodwill", kit.Tenant.Owner.UserId, LedgerTestKit.NewKey())), "an adjustment");
            await ShouldBeSuspendedAsync(() => scope.Get<GrantBonus>().ExecuteAsync(new GrantBonus.Request(
                ana, BonusKind.Birthday, LedgerTestKit.NewKey(), 5_00)), "a bonus");
            await ShouldBeSuspendedAsync(() => scope.Get<RedeemVoucher>().ExecuteAsync(new RedeemVoucher.Request(
                "ABCD-EFGH", ana, LedgerTestKit.NewKey())), "a voucher redemption");
            await ShouldBeSuspendedAsync(() => scope.Get<CancelVoucher>().ExecuteAsync(Guid.NewGuid(), "Lost", kit.Tenant.Owner.UserId), "a voucher cancelled");
            await ShouldBeSuspendedAsync(() => scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request(
                "Bia", LedgerTestKit.NewPhone(), null, Source: "counter", IdempotencyKey: LedgerTestKit.NewKey())), "an enrolment at the counter");
            await ShouldBeSuspendedAsync(() => scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request(
                "Caio", LedgerTestKit.NewPhone(), null)), "a join on the portal");
        }

        (await kit.BalancesAsync(ana)).Should().Be(before, "nothing was recorded");
        (await kit.PurchaseCountAsync(ana)).Should().Be(1);
        (await kit.DbAsync(db => db.Customers.CountAsync())).Should().Be(1, "no one joined");

        await ReactivateAsync(kit.Id);
        (await kit.BuyAsync(ana, 100_00)).EarnedCents.Should().Be(5_00, "recording resumes at once");
        _ = phone;
    }

    [Fact]
    public async Task Suspending_and_reactivating_are_audited_in_the_tenants_log_and_need_a_reason()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "ops-audit");
        await using (var scope = fixture.CreateScope())
        {
            var noReason = await scope.Get<SuspendTenant>().Invoking(s => s.ExecuteAsync(new SuspendTenant.Request(t.Id, "  "), Operator))
                .Should().ThrowAsync<OperationFailed>();
            noReason.Which.Errors.Should().ContainKey("reason");
        }
        (await StatusAsync(t.Id)).Should().Be(TenantStatus.Active, "a refused suspension changes nothing");

        await SuspendAsync(t.Id);
        await using (var scope = fixture.CreateScope())
        {
            var again = await scope.Get<SuspendTenant>().Invoking(s => s.ExecuteAsync(new SuspendTenant.Request(t.Id, Reason), Operator))
                .Should().ThrowAsync<OperationFailed>();
            again.Which.Status.Should().Be(409);
        }
        await ReactivateAsync(t.Id);

        await using var db = fixture.OpenDb(t.Id);
        var entries = await db.Set<AuditEntry>().AsNoTracking().OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync();
        entries.Select(e => e.Action).Should().Equal("tenant.suspended", "tenant.reactivated");
        entries.Should().OnlyContain(e => e.Actor == OperationsFixture.OperatorEmail && e.SubjectId == t.Id.ToString());
        entries[0].Summary.Should().Contain(Reason);
        entries[1].Before!.RootElement.GetProperty("suspensionReason").GetString().Should().Be(Reason);
        var tenant = await db.Tenants.AsNoTracking().SingleAsync(x => x.Id == t.Id);
        (tenant.Status, tenant.SuspendedAt, tenant.SuspensionReason).Should().Be((TenantStatus.Active, (DateTimeOffset?)null, (string?)null));
    }

    [Fact]
    public async Task The_api_answers_403_problem_json_with_the_reason_to_every_request_while_suspended()
    {
        var kit = await CounterKit.CreateAsync(fixture, "ops-api");
        var (ana, _) = await kit.EnrollAsync("Ana", "ana@ops-api.test");
        string key;
        await using (var scope = kit.Scope())
            key = (await scope.Get<CreateApiKey>().ExecuteAsync(new CreateApiKey.Request("POS", null), AuditActor.System)).Key;
        using var api = ApiClient(key);
        (await api.GetAsync($"/api/v1/customers/{ana}")).StatusCode.Should().Be(HttpStatusCode.OK);

        await SuspendAsync(kit.Id);

        foreach (var response in new[]
                 {
                     await api.GetAsync($"/api/v1/customers/{ana}"),
                     await api.PostJsonAsync("/api/v1/purchases", new { storeId = kit.Tenant.StoreId, customer = new { id = ana }, amountCents = 100_00, receiptNumber = "API-1" }, LedgerTestKit.NewKey()),
                 })
        {
            using (response)
            {
                var problem = await response.ProblemAsync(HttpStatusCode.Forbidden);
                problem.GetProperty("code").GetString().Should().Be("tenant_suspended");
                problem.GetProperty("reason").GetString().Should().Be(Reason);
                problem.GetProperty("detail").GetString().Should().Contain(Reason);
            }
        }
        (await kit.PurchaseCountAsync(ana)).Should().Be(0);

        await ReactivateAsync(kit.Id);
        using var after = await api.PostJsonAsync("/api/v1/purchases", new { storeId = kit.Tenant.StoreId, customer = new { id = ana }, amountCents = 100_00, receiptNumber = "API-2" }, LedgerTestKit.NewKey());
        after.StatusCode.Should().Be(HttpStatusCode.Created, await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Staff_see_the_notice_and_the_counter_and_the_dashboard_cannot_record_while_reads_stay()
    {
        var kit = await CounterKit.CreateAsync(fixture, "ops-pages");
        var (ana, _) = await kit.EnrollAsync("Ana", "ana@ops-pages.test");
        await kit.BuyAsync(ana, 200_00);
        var before = await kit.BalancesAsync(ana);
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        using var owner = await kit.SignInAsync(kit.Tenant.Owner);

        await SuspendAsync(kit.Id);

        var counter = await cashier.GetPageAsync($"/counter?c={ana}&culture=en");
        counter.Should().Contain("data-testid=\"suspended-notice\"").And.Contain(Reason);
        using (var purchase = await CounterKit.PostPurchaseAsync(cashier, ana, "50,00"))
        {
            purchase.StatusCode.Should().NotBe(HttpStatusCode.Redirect, "no receipt: nothing was recorded");
            (await CounterKit.TextAsync(purchase)).Should().Contain(Reason);
        }
        var dashboard = await owner.GetPageAsync($"/app/customers/{ana}?culture=en");
        dashboard.Should().Contain("data-testid=\"suspended-notice\"");
        using (var adjust = await owner.SubmitAsync($"/app/customers/{ana}?culture=en",
                   new Dictionary<string, string> { ["Adjust.Amount"] = "15.00", ["Adjust.Direction"] = "credit", ["Adjust.Reason"] = "Goodwill", ["Adjust.IdempotencyKey"] = Guid.NewGuid().ToString("N") },
                   $"/app/customers/{ana}?handler=Adjust&culture=en"))
        {
            adjust.StatusCode.Should().NotBe(HttpStatusCode.Redirect);
            (await CounterKit.TextAsync(adjust)).Should().Contain(Reason);
        }
        (await kit.BalancesAsync(ana)).Should().Be(before);
        (await kit.PurchaseCountAsync(ana)).Should().Be(1);

        await ReactivateAsync(kit.Id);
        (await cashier.GetPageAsync($"/counter?c={ana}")).Should().NotContain("suspended-notice");
        using var again = await CounterKit.PostPurchaseAsync(cashier, ana, "50,00");
        again.StatusCode.Should().Be(HttpStatusCode.Redirect, "recording works again");
        (await kit.PurchaseCountAsync(ana)).Should().Be(2);
    }

    [Fact]
    public async Task The_portal_says_the_program_is_paused_shows_balances_and_refuses_to_join()
    {
        var kit = await CounterKit.CreateAsync(fixture, "ops-portal");
        var (ana, _) = await kit.EnrollAsync("Ana Lima", "ana@ops-portal.test");
        await kit.BuyAsync(ana, 200_00);
        using var member = fixture.CreateFormClient();
        await PlantCodeAsync(kit, ana, "424242");
        using (var signIn = await member.SubmitAsync($"/{kit.Tenant.Slug}/signin",
                   new Dictionary<string, string> { ["Identifier"] = "ana@ops-portal.test", ["Code"] = "424242" }, $"/{kit.Tenant.Slug}/signin?handler=Verify"))
            signIn.StatusCode.Should().Be(HttpStatusCode.Redirect);

        await SuspendAsync(kit.Id);

        var home = await member.GetPageAsync($"/{kit.Tenant.Slug}/home?culture=en");
        home.Should().Contain("data-testid=\"paused-notice\"").And.Contain("10,00").And.NotContain(Reason, "members are not told the operator's reason");
        using var visitor = fixture.CreateFormClient();
        (await visitor.GetPageAsync($"/{kit.Tenant.Slug}?culture=en")).Should().Contain("paused-notice").And.NotContain("data-testid=\"join-button\"");
        (await visitor.GetPageAsync($"/{kit.Tenant.Slug}/join?culture=en")).Should().Contain("data-testid=\"join-paused\"");
        var token = FormClient.FindAntiforgeryToken(await visitor.GetPageAsync($"/{kit.Tenant.Slug}/signin"));
        using (var join = await visitor.PostAsync($"/{kit.Tenant.Slug}/join", new Dictionary<string, string>
        {
            ["Input.Name"] = "Nina Nova", ["Input.Email"] = "nina@ops-portal.test", ["Input.Phone"] = "(11) 97777-1234",
            ["Input.EmailConsent"] = "true", ["Input.AcceptTerms"] = "true",
        }, token))
            join.StatusCode.Should().NotBe(HttpStatusCode.Redirect, "nobody joins a paused program");
        (await kit.DbAsync(db => db.Customers.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task Jobs_skip_a_suspended_tenant_and_reactivation_resumes_them_without_a_burst_of_late_messages()
    {
        var kit = await CounterKit.CreateAsync(fixture, "ops-jobs", SampleRules.Velluto());
        var (ana, _) = await kit.EnrollAsync("Ana", "ana@ops-jobs.test");
        await kit.BuyAsync(ana, 200_00); // pending for 7 days
        await SuspendAsync(kit.Id);

        // While suspended: the credit's day comes, a message falls due, another is planned for tomorrow.
        var now = DateTimeOffset.UtcNow;
        await using (var owner = fixture.OpenDb(kit.Id))
        {
            await owner.Database.ExecuteSqlInterpolatedAsync($"UPDATE credit_lots SET available_at = {now.AddMinutes(-1)} WHERE tenant_id = {kit.Id}");
            owner.Messages.Add(NewMessage(kit.Id, ana, "due", now.AddHours(-1)));
            owner.Messages.Add(NewMessage(kit.Id, ana, "tomorrow", now.AddDays(1)));
            await owner.SaveChangesAsync();
        }
        await using (var scope = fixture.CreateScope())
        {
            var jobs = scope.Get<AutomationJobs>();
            await jobs.RunForTenantAsync(JobKinds.ReleaseCredits, kit.Id);
            await jobs.DispatchAndDeliverAsync(kit.Id);
            await jobs.DeliverAsync(kit.Id);
        }
        (await kit.BalancesAsync(ana)).AvailableCents.Should().Be(0, "the release job skipped the suspended tenant");
        (await MessagesAsync(kit)).Should().OnlyContain(m => m.Status == MessageStatus.Scheduled && m.Attempts == 0, "delivery skipped it");

        var reactivated = await ReactivateAsync(kit.Id);

        reactivated.MessagesSkipped.Should().Be(1);
        var messages = await MessagesAsync(kit);
        messages.Single(m => m.Subject == "due").Should().Match<Message>(m => m.Status == MessageStatus.Skipped && m.Error == ReactivateTenant.SkippedReason,
            "what fell due during the suspension is not sent late");
        messages.Single(m => m.Subject == "tomorrow").Status.Should().Be(MessageStatus.Scheduled, "what is due later is sent at its time");
        await using (var scope = fixture.CreateScope())
            await scope.Get<AutomationJobs>().RunForTenantAsync(JobKinds.ReleaseCredits, kit.Id);
        (await kit.BalancesAsync(ana)).AvailableCents.Should().Be(10_00, "the jobs resume");
    }

    private static Message NewMessage(Guid tenantId, Guid customerId, string subject, DateTimeOffset notBefore) => new()
    {
        TenantId = tenantId, Trigger = Triggers.WinBack, SubjectId = Guid.NewGuid(), Channel = Channel.Email, CustomerId = customerId,
        Status = MessageStatus.Scheduled, Recipient = "ana@example.test", Subject = subject, CreatedAt = notBefore.AddHours(-2), NotBefore = notBefore,
    };

    private Task<List<Message>> MessagesAsync(CounterKit kit) => kit.DbAsync(db => db.Messages.AsNoTracking().ToListAsync());

    private async Task<TenantStatus> StatusAsync(Guid tenantId)
    {
        await using var db = fixture.OpenDb();
        return await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Status).SingleAsync();
    }

    private HttpClient ApiClient(string key)
    {
        var client = fixture.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false,
        });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static async Task PlantCodeAsync(CounterKit kit, Guid customerId, string code)
    {
        await using var scope = kit.Scope();
        var now = DateTimeOffset.UtcNow;
        scope.Db.SignInCodes.Add(new SignInCode
        {
            CustomerId = customerId, Purpose = CodePurpose.SignIn, CodeHash = SendSignInCode.Hash(kit.Id, customerId, code),
            SentTo = "a***@ops-portal.test", CreatedAt = now, ExpiresAt = now + CodeLimits.Validity,
        });
        await scope.Db.SaveChangesAsync();
    }
}
