using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Security;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Operations;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Operations;

/// <summary>The operator's pages over HTTP: who gets in, what they show, and the suspend form (reason required, audited).</summary>
public sealed class OperatorConsoleTests(OperationsFixture fixture) : IClassFixture<OperationsFixture>
{
    private async Task<FormClient> OperatorAsync()
    {
        await EnsureOperatorAsync();
        var client = fixture.CreateFormClient();
        (await client.SignInAsync(OperationsFixture.OperatorEmail, "owner-password-ops-operator")).StatusCode.Should().Be(HttpStatusCode.Redirect);
        return client;
    }

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool created;

    private async Task EnsureOperatorAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (created) return;
            await using var db = fixture.OpenDb();
            if (!await db.Users.AnyAsync(u => u.Email == OperationsFixture.OperatorEmail))
                await TenantKit.CreateAsync(fixture.Factory, "ops-operator");
            created = true;
        }
        finally { Once.Release(); }
    }

    [Fact]
    public async Task Only_operators_get_in_staff_and_members_do_not()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "ops-outsider");
        using var staff = fixture.CreateFormClient();
        (await staff.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();
        foreach (var url in new[] { "/admin", $"/admin/tenants/{t.Id}", "/admin/metrics", "/admin?q=ops" })
            (await staff.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.Forbidden, $"{url} is for operators only");
        var token = FormClient.FindAntiforgeryToken(await staff.GetPageAsync("/app"));
        using (var post = await staff.PostAsync($"/admin/tenants/{t.Id}?handler=Suspend", [new("Reason", "I am the owner")], token))
            post.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var anonymous = fixture.CreateFormClient();
        foreach (var url in new[] { "/admin", $"/admin/tenants/{t.Id}", "/admin/metrics" })
        {
            using var r = await anonymous.GetAsync(url);
            r.StatusCode.Should().Be(HttpStatusCode.Redirect, $"{url} sends an anonymous visitor (or a portal member) to the staff sign-in");
            r.Headers.Location!.ToString().Should().Contain("/account/signin");
        }
        await using var db = fixture.OpenDb();
        (await db.Tenants.SingleAsync(x => x.Id == t.Id)).Status.Should().Be(TenantStatus.Active);
    }

    [Fact]
    public async Task The_tenant_list_searches_by_name_slug_and_owner_email_and_shows_health_and_activity()
    {
        var seeded = await SecurityKit.SeedAsync(fixture, "ops-listed");
        var quiet = await TenantKit.CreateAsync(fixture.Factory, "ops-quiet");
        await fixture.Factory.Services.GetRequiredService<Web.Features.Plans.UsageMeter>().FlushAsync(); // purchases are counted in memory, written every 30 s
        using var op = await OperatorAsync();

        var all = await op.GetPageAsync("/admin?culture=en");
        all.Should().Contain("data-slug=\"ops-listed\"").And.Contain("data-slug=\"ops-quiet\"");

        var bySlug = await op.GetPageAsync("/admin?q=listed&culture=en");
        bySlug.Should().Contain("data-slug=\"ops-listed\"").And.NotContain("data-slug=\"ops-quiet\"");
        var byOwner = await op.GetPageAsync($"/admin?q={Uri.EscapeDataString(quiet.Owner.Email)}&culture=en");
        byOwner.Should().Contain("data-slug=\"ops-quiet\"").And.NotContain("data-slug=\"ops-listed\"");
        (await op.GetPageAsync("/admin?q=%25_nothing%25&culture=en")).Should().Contain("No tenant matches this search.");
        (await op.GetPageAsync("/admin?p=999&culture=en")).Should().Contain("data-slug=\"ops-listed\"", "a page past the end shows the last page");

        var row = Row(all, "ops-listed");
        row.Should().MatchRegex(@"[1-9][0-9]* purchases · ", "this month's metered usage: the seeded tenant recorded purchases");
        row.Should().Contain("1 failed messages", "the seeded tenant has a message that failed today").And.Contain(seeded.T.Owner.Email);
        Row(all, "ops-quiet").Should().Contain(">OK<");
    }

    [Fact]
    public async Task The_tenant_page_changes_the_plan_through_the_plans_operation_audited_and_refuses_an_unknown_plan()
    {
        var seeded = await SecurityKit.SeedAsync(fixture, "ops-plan");
        using var op = await OperatorAsync();
        var url = $"/admin/tenants/{seeded.Id}?culture=en";
        (await op.GetPageAsync(url)).Should().Contain("<option value=\"growth\"");

        using (var unknown = await op.SubmitAsync(url, new Dictionary<string, string> { ["NewPlan"] = "platinum" }, $"/admin/tenants/{seeded.Id}?handler=Plan&culture=en"))
            unknown.StatusCode.Should().Be(HttpStatusCode.OK, "an unknown plan is a field error on the page");
        await using (var db = fixture.OpenDb())
            (await db.Tenants.SingleAsync(x => x.Id == seeded.Id)).PlanCode.Should().Be("pro", "a refused form changes nothing (the security kit seeds on Pro)");

        using (var ok = await op.SubmitAsync(url, new Dictionary<string, string> { ["NewPlan"] = "growth" }, $"/admin/tenants/{seeded.Id}?handler=Plan&culture=en"))
            ok.Headers.Location!.OriginalString.Should().Be($"/admin/tenants/{seeded.Id}?done=plan");
        (await op.GetPageAsync($"/admin/tenants/{seeded.Id}?done=plan&culture=en")).Should().Contain("data-testid=\"tenant-plan\">Growth<").And.Contain("The plan is changed.");
        await using (var db = fixture.OpenDb(seeded.Id))
            (await db.Set<Web.Features.Audit.AuditEntry>().CountAsync(a => a.Action == "plan.changed")).Should().Be(1);
    }

    [Fact]
    public async Task The_tenant_page_shows_plan_staff_and_errors_and_suspends_only_with_a_reason()
    {
        var seeded = await SecurityKit.SeedAsync(fixture, "ops-page");
        using (var cashier = fixture.CreateFormClient())
            (await cashier.SignInAsync(seeded.T.Cashier.Email, seeded.T.Cashier.Password)).Dispose();
        using var op = await OperatorAsync();
        var url = $"/admin/tenants/{seeded.Id}?culture=en";

        var page = await op.GetPageAsync(url);
        page.Should().Contain("data-testid=\"tenant-usage\"", "the tenant's metered usage by month")
            .And.Contain("data-testid=\"tenant-plan\">Pro<").And.Contain(seeded.T.Cashier.Email).And.Contain("SMTP down")
            .And.Contain("data-testid=\"plan-change\"");
        (await op.GetAsync($"/admin/tenants/{Guid.NewGuid()}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        using (var noReason = await op.SubmitAsync(url, new Dictionary<string, string> { ["Reason"] = "" }, $"/admin/tenants/{seeded.Id}?handler=Suspend&culture=en"))
        {
            noReason.StatusCode.Should().Be(HttpStatusCode.OK);
            (await noReason.Content.ReadAsStringAsync()).Should().MatchRegex("data-valmsg-for=\"Reason\"[^>]*>[^<]+<");
        }
        await using (var db = fixture.OpenDb())
            (await db.Tenants.SingleAsync(x => x.Id == seeded.Id)).Status.Should().Be(TenantStatus.Active, "a refused form changes nothing");

        using (var ok = await op.SubmitAsync(url, new Dictionary<string, string> { ["Reason"] = "Chargeback fraud under review" }, $"/admin/tenants/{seeded.Id}?handler=Suspend&culture=en"))
            ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var suspended = await op.GetPageAsync(url);
        suspended.Should().Contain("data-testid=\"suspension-reason\">Chargeback fraud under review<").And.Contain("data-testid=\"reactivate\"");

        using (var back = await op.SubmitAsync(url, new Dictionary<string, string> { ["Reason"] = "Review closed" }, $"/admin/tenants/{seeded.Id}?handler=Reactivate&culture=en"))
            back.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using var tenantDb = fixture.OpenDb(seeded.Id);
        var audit = await tenantDb.Set<AuditEntry>().AsNoTracking().Where(a => a.Action.StartsWith("tenant.")).OrderBy(a => a.At).ToListAsync();
        audit.Select(a => (a.Action, a.Actor)).Should().Equal(("tenant.suspended", OperationsFixture.OperatorEmail), ("tenant.reactivated", OperationsFixture.OperatorEmail));
        audit.Should().OnlyContain(a => a.UserId != null, "the operator is named by user id too");
        (await op.GetPageAsync(url)).Should().Contain("Chargeback fraud under review", "the operator's history keeps the reason");

        var staffSignIn = await tenantDb.Users.Where(u => u.Email == seeded.T.Cashier.Email).Select(u => u.LastSignInAt).SingleAsync();
        staffSignIn.Should().NotBeNull("a staff sign-in is recorded for the console");
    }

    [Fact]
    public async Task The_metrics_page_counts_tenants_by_plan_and_shows_the_job_queues()
    {
        await TenantKit.CreateAsync(fixture.Factory, "ops-metrics");
        using var op = await OperatorAsync();
        foreach (var days in new[] { 30, 90 })
        {
            var html = await op.GetPageAsync($"/admin/metrics?days={days}&culture=en");
            html.Should().Contain("data-testid=\"job-health\"").And.Contain("id=\"metrics-data\"").And.Contain($"Last {days} days");
        }
        await using var db = fixture.OpenDb();
        var tenants = await db.Tenants.CountAsync();
        (await op.GetPageAsync("/admin/metrics")).Should().MatchRegex($"data-testid=\"metric-tenants\">{tenants}<");
    }

    [Fact]
    public async Task Last_purchase_and_metrics_read_the_daily_roll_up_across_tenants_as_the_app_role()
    {
        var seeded = await SecurityKit.SeedAsync(fixture, "ops-rollup");
        await using (var scope = fixture.CreateScope(seeded.Id))
            await scope.Get<RollUpDailyStats>().ExecuteAsync(seeded.Id);

        await using var console = fixture.CreateScope();
        var row = (await console.Get<TenantDirectory>().SearchAsync("ops-rollup", 1)).Rows.Should().ContainSingle().Subject;
        row.LastPurchaseDay.Should().NotBeNull("the seeded purchase is in the roll-up, read across tenants under row-level security");
        row.FailedMessages.Should().Be(1);
        var metrics = await console.Get<PlatformMetrics>().ReadAsync(30);
        metrics.Purchases.Should().BeGreaterThan(0);
        metrics.Series.Sum(d => d.Purchases).Should().BeGreaterThan(0);
        metrics.Series.Sum(d => d.MessagesFailed).Should().BeGreaterThan(0, "the seeded failed message counts on its day");
    }

    private static string Row(string html, string slug)
    {
        var start = html.IndexOf($"data-slug=\"{slug}\"", StringComparison.Ordinal);
        start.Should().BeGreaterThan(0);
        var end = html.IndexOf("</tr>", start, StringComparison.Ordinal);
        return WebUtility.HtmlDecode(html[start..end]);
    }
}
