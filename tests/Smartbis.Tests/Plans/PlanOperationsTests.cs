using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Api;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Onboarding;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Features.Purchases;

namespace Smartbis.Tests.Plans;

/// <summary>
/// Notices at 80 % and 100 % (real SMTP, once each per month), usage counters under concurrency, the upgrade request →
/// operator approval flow, the operator's plan edits and usage export, trials, and the operator pages' isolation.
/// </summary>
public sealed class PlanOperationsTests(PlansFixture fixture) : IClassFixture<PlansFixture>
{
    [Fact]
    public async Task Owners_are_emailed_once_per_threshold_and_month_and_the_dashboard_shows_a_banner()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 7, 3, 12, 0, 0, TimeSpan.Zero));
        var plan = await fixture.PlanAsync("tiny-notices", members: 5);
        var t = await fixture.TenantAsync("notices", plan);
        await EnrolAsync(t.Id, 4);
        var jobs = fixture.Get<PlanJobs>();
        (await jobs.RunForAsync(t.Id)).Should().Be(1, "80 % of the member limit");
        (await jobs.RunForAsync(t.Id)).Should().Be(0, "the 80 % notice was sent this month");
        var eighty = await fixture.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(t.Owner.Email) && (m.Subject ?? "").Contains("80%"));
        eighty.TextBody.Should().Contain("4 de 5 membros").And.Contain("/app/plan");

        using var owner = await fixture.SignedInAsync(t.Owner.Email, t.Owner.Password);
        (await owner.GetPageAsync("/app?culture=en")).Should().Contain("data-testid=\"plan-banner\"").And.Contain("Members: 4 of 5");

        await EnrolAsync(t.Id, 1);
        (await jobs.RunForAsync(t.Id)).Should().Be(1, "100 %");
        (await jobs.RunForAsync(t.Id)).Should().Be(0);
        await fixture.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(t.Owner.Email) && (m.Subject ?? "").Contains("100%"));
        fixture.Smtp.Messages.Count(m => m.To.ToString().Contains(t.Owner.Email)).Should().Be(2, "one email per threshold");
        (await owner.GetPageAsync("/app?culture=en")).Should().Contain("Members: 5 of 5");

        // Past the limit (the grace lets one more join): the home counts only one past it and says so; the plan page counts all.
        await EnrolAsync(t.Id, 1);
        var home = await owner.GetPageAsync("/app?culture=en");
        home.Should().Contain("Members: more than the 5 the ").And.NotContain("Members: 6 of 5");
        (await owner.GetPageAsync("/app/plan?culture=en")).Should().Contain("6 / 5");

        // Next month: still at 100 %, told once again.
        fixture.Clock.Advance(TimeSpan.FromDays(31));
        (await jobs.RunForAsync(t.Id)).Should().Be(1);
        await using var scope = fixture.CreateScope(t.Id);
        (await scope.Db.PlanNotices.CountAsync()).Should().Be(4, "80 and 100 in July, 100 (with 80) in August");
    }

    [Fact]
    public async Task Usage_counters_add_up_under_concurrency_and_api_calls_are_counted_in_batches()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 8, 10, 12, 0, 0, TimeSpan.Zero));
        var t = await fixture.TenantAsync("usage", PlanDefinition.Pro);
        var members = await EnrolAsync(t.Id, 5);
        var purchases = Enumerable.Range(0, 40).Select(async i =>
        {
            await using var scope = fixture.CreateScope(t.Id);
            await scope.Get<RecordPurchase>().ExecuteAsync(new RecordPurchase.Request(t.StoreId, members[i % members.Count], null, 10_00 + i, null, LedgerTestKit.NewKey()));
        });
        await Task.WhenAll(purchases);

        string key;
        await using (var scope = fixture.CreateScope(t.Id))
            key = (await scope.Get<Web.Features.Integrations.CreateApiKey>().ExecuteAsync(new Web.Features.Integrations.CreateApiKey.Request("POS", null), AuditActor.System)).Key;
        using var api = fixture.ApiClient(key);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ => (await api.GetAsync("/api/v1/program")).EnsureSuccessStatusCode()));
        await fixture.Get<UsageMeter>().FlushAsync();

        await using (var scope = fixture.CreateScope(t.Id))
        {
            await PlanJobs.MeasureAsync(scope.Db, fixture.Clock.Now, default);
            var u = await scope.Db.UsageMonths.AsNoTracking().SingleAsync(x => x.Month == new DateOnly(2026, 8, 1));
            (u.MembersJoined, u.Purchases, u.ApiCalls, u.Members, u.ActiveMembers, u.Stores, u.Staff).Should().Be((5, 40, 12L, 5, 5, 1, 3));
        }
    }

    [Fact]
    public async Task An_owner_asks_for_an_upgrade_and_an_operator_approves_it_audited_with_an_email()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 9, 1, 12, 0, 0, TimeSpan.Zero));
        var t = await fixture.TenantAsync("upgrade", PlanDefinition.Free);
        using var manager = await fixture.SignedInAsync(t.Manager.Email, t.Manager.Password);
        using (var forbidden = await manager.SubmitAsync("/app/plan", new Dictionary<string, string> { ["PlanCode"] = PlanDefinition.Growth }, "/app/plan?handler=Request"))
            forbidden.StatusCode.Should().Be(HttpStatusCode.Forbidden, "only an owner asks");

        using var owner = await fixture.SignedInAsync(t.Owner.Email, t.Owner.Password);
        using (var asked = await owner.SubmitAsync("/app/plan", new Dictionary<string, string> { ["PlanCode"] = PlanDefinition.Growth }, "/app/plan?handler=Request"))
            asked.StatusCode.Should().Be(HttpStatusCode.Redirect, owner.LastHtml);
        using (var again = await owner.SubmitAsync("/app/plan?culture=en", new Dictionary<string, string> { ["PlanCode"] = PlanDefinition.Pro }, "/app/plan?handler=Request&culture=en"))
            (await again.Content.ReadAsStringAsync()).Should().Contain("already waiting");
        Guid requestId;
        await using (var scope = fixture.CreateScope(t.Id))
            requestId = (await scope.Db.UpgradeRequests.SingleAsync(u => u.Status == UpgradeStatus.Pending)).Id;

        // Staff cannot decide; the operator sees it and approves.
        using (var notOperator = await owner.PostAsync("/admin/upgrades?handler=Approve", [new("tenantId", t.Id.ToString()), new("requestId", requestId.ToString())],
                   FormClient.FindAntiforgeryToken(await owner.GetPageAsync("/app/plan"))))
            notOperator.StatusCode.Should().BeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.Redirect);
        using var op = await fixture.SignedInAsync(PlansFixture.OperatorEmail, PlansFixture.OperatorPassword);
        (await op.GetPageAsync("/admin/upgrades")).Should().Contain("Business upgrade").And.Contain(requestId.ToString());
        using (var approved = await op.SubmitAsync("/admin/upgrades", new Dictionary<string, string>
        { ["tenantId"] = t.Id.ToString(), ["requestId"] = requestId.ToString(), ["note"] = "Bem-vindo ao Growth" }, "/admin/upgrades?handler=Approve"))
            approved.StatusCode.Should().Be(HttpStatusCode.Redirect, op.LastHtml);

        await using (var scope = fixture.CreateScope(t.Id))
        {
            (await scope.Db.Tenants.SingleAsync(x => x.Id == t.Id)).PlanCode.Should().Be(PlanDefinition.Growth);
            (await scope.Db.UpgradeRequests.SingleAsync()).Status.Should().Be(UpgradeStatus.Approved);
            (await scope.Db.Set<AuditEntry>().Where(a => a.Action.StartsWith("plan.")).Select(a => a.Action).ToListAsync())
                .Should().BeEquivalentTo(["plan.upgrade_requested", "plan.upgrade_approved", "plan.changed"]);
        }
        var mail = await fixture.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains(t.Owner.Email) && (m.Subject ?? "").Contains("Growth"));
        mail.TextBody.Should().Contain("Bem-vindo ao Growth");
        (await owner.GetPageAsync("/app/plan")).Should().Contain("data-testid=\"current-plan\">Growth<");

        // Deciding twice is refused, nothing changes.
        using (var twice = await op.SubmitAsync("/admin/upgrades?culture=en", new Dictionary<string, string>
        { ["tenantId"] = t.Id.ToString(), ["requestId"] = requestId.ToString() }, "/admin/upgrades?handler=Refuse&culture=en"))
            (await twice.Content.ReadAsStringAsync()).Should().Contain("already decided");
    }

    [Fact]
    public async Task An_operator_edits_a_plan_as_data_with_field_errors_and_an_audit_row_and_exports_usage()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 10, 1, 12, 0, 0, TimeSpan.Zero));
        var plan = await fixture.PlanAsync("editable", members: 100, stores: 1, staff: 5);
        var t = await fixture.TenantAsync("edited", plan);
        using var op = await fixture.SignedInAsync(PlansFixture.OperatorEmail, PlansFixture.OperatorPassword);
        var fields = new Dictionary<string, string>
        {
            ["Input.Code"] = plan, ["Input.MaxMembers"] = "250", ["Input.MaxStores"] = "2", ["Input.MaxStaff"] = "", ["Input.MaxEmailsPerMonth"] = "1000",
            ["Input.MaxWhatsAppPerMonth"] = "0", ["Input.TrialDays"] = "7", ["Input.Price"] = "79,90", ["Input.ApiAccess"] = "true",
        };
        using (var bad = await op.SubmitAsync("/admin/plans?culture=en", new Dictionary<string, string>(fields) { ["Input.MaxStores"] = "0", ["Input.Price"] = "abc" }, "/admin/plans?culture=en"))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.OK);
            (await bad.Content.ReadAsStringAsync()).Should().Contain("at least 1").And.Contain("such as 149,00");
        }
        await using (var db = fixture.OpenDb())
            (await db.Plans.SingleAsync(p => p.Code == plan)).MaxMembers.Should().Be(100, "a refused edit changes nothing");

        using (var saved = await op.SubmitAsync("/admin/plans", fields, "/admin/plans"))
            saved.StatusCode.Should().Be(HttpStatusCode.Redirect, op.LastHtml);
        await using (var db = fixture.OpenDb())
        {
            var p = await db.Plans.SingleAsync(x => x.Code == plan);
            (p.MaxMembers, p.MaxStores, p.MaxStaff, p.PriceCents, p.TrialDays, p.ApiAccess, p.WhatsAppAllowed).Should().Be((250, 2, (int?)null, 7990L, 7, true, false));
            var edit = await db.PlanEdits.SingleAsync(e => e.PlanCode == plan);
            edit.Operator.Should().Be(PlansFixture.OperatorEmail);
            edit.Before!.RootElement.GetProperty("maxMembers").GetInt32().Should().Be(100);
        }
        // The new limit applies at once: a second store can be added now.
        await using (var scope = fixture.CreateScope(t.Id))
            await scope.Get<Web.Features.Tenancy.SaveStore>().ExecuteAsync(new Web.Features.Tenancy.SaveStore.Request(null, "Second", null, true), AuditActor.System);

        await using (var scope = fixture.CreateScope(t.Id))
            await PlanJobs.MeasureAsync(scope.Db, fixture.Clock.Now, default);
        using var csv = await op.GetAsync("/admin/usage?handler=Csv&month=2026-10");
        csv.StatusCode.Should().Be(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        var text = await csv.Content.ReadAsStringAsync();
        text.TrimStart('\uFEFF').Should().StartWith("month;tenant;slug;plan;price").And.Contain($"2026-10;Business edited;edited;{plan};79,90;0;0;0;0;0;0;0;0;0;2;3");
    }

    [Fact]
    public async Task Operator_pages_are_for_operators_only_and_plans_page_is_public()
    {
        var t = await fixture.TenantAsync("not-operator", PlanDefinition.Free);
        using var owner = await fixture.SignedInAsync(t.Owner.Email, t.Owner.Password);
        foreach (var url in new[] { "/admin/plans", "/admin/upgrades", "/admin/usage", "/admin/usage?handler=Csv" })
            (await owner.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.Forbidden, url);
        using var anonymous = fixture.Client();
        (await anonymous.GetAsync("/admin/plans")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await anonymous.GetAsync("/app/plan")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        using var cashier = await fixture.SignedInAsync(t.Cashier.Email, t.Cashier.Password);
        (await cashier.GetAsync("/app/plan")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        var plans = await anonymous.GetPageAsync("/plans?culture=en");
        plans.Should().Contain("data-plan=\"free\"").And.Contain("data-plan=\"growth\"").And.Contain("data-plan=\"pro\"").And.Contain("/signup?plan=growth");
        using var brazilian = fixture.Client();
        WebUtility.HtmlDecode(await brazilian.GetPageAsync("/plans")).Should().Contain("Começar grátis");
    }

    [Fact]
    public async Task Sign_up_on_a_trial_goes_back_to_free_when_it_ends_with_a_notice()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 11, 2, 12, 0, 0, TimeSpan.Zero));
        SignUp.Result result;
        await using (var scope = fixture.CreateScope())
            result = await scope.Get<SignUp>().ExecuteAsync(new SignUp.Request("Trial Shop", "trial-shop", "Tina", "tina@trial.test", "trial passphrase 1", "5", "Cashback",
                PlanCode: PlanDefinition.Growth));
        await using (var scope = fixture.CreateScope(result.TenantId))
        {
            var tenant = await scope.Db.Tenants.SingleAsync(x => x.Id == result.TenantId);
            (tenant.PlanCode, tenant.TrialEndsAt).Should().Be((PlanDefinition.Growth, fixture.Clock.Now.AddDays(14)));
        }
        var jobs = fixture.Get<PlanJobs>();
        (await jobs.RunForAsync(result.TenantId)).Should().Be(0, "the trial runs");
        fixture.Clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromHours(1));
        (await jobs.RunForAsync(result.TenantId)).Should().Be(1);
        (await jobs.RunForAsync(result.TenantId)).Should().Be(0);
        await using (var scope = fixture.CreateScope(result.TenantId))
        {
            var tenant = await scope.Db.Tenants.SingleAsync(x => x.Id == result.TenantId);
            (tenant.PlanCode, tenant.TrialEndsAt).Should().Be((PlanDefinition.Free, (DateTimeOffset?)null));
            (await scope.Db.Set<AuditEntry>().CountAsync(a => a.Action == "plan.changed" && a.Actor == "system")).Should().Be(1);
        }
        (await fixture.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains("tina@trial.test"))).Subject.Should().Contain("teste terminou");

        await using (var scope = fixture.CreateScope())
            await LedgerTestKit.ShouldFailAsync(() => scope.Get<SignUp>().ExecuteAsync(new SignUp.Request("X", "trial-bad", "X", "x@trial.test", "trial passphrase 1", "5", "Cashback",
                PlanCode: "nope")), "invalid_signup");
    }

    private async Task<List<Guid>> EnrolAsync(Guid tenantId, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            await using var scope = fixture.CreateScope(tenantId);
            ids.Add((await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request($"Member {i}", LedgerTestKit.NewPhone(), null))).CustomerId);
        }
        return ids;
    }
}
