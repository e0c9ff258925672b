using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Api;
using Smartbis.Tests.Features;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Plans;
using Smartbis.Web.Features.Purchases;

namespace Smartbis.Tests.Plans;

/// <summary>
/// Limits are enforced fairly and say so where the action happens: new members get a grace period, then are refused at
/// the counter, on the portal and by the API (403 problem+json); existing members keep earning; stores, staff,
/// automations and the API itself are refused with a link to /app/plan.
/// </summary>
public sealed class PlanLimitsTests(PlansFixture fixture) : IClassFixture<PlansFixture>
{
    [Fact]
    public async Task Member_limit_allows_a_grace_period_then_refuses_new_members_everywhere_while_existing_members_keep_earning()
    {
        var start = fixture.Clock.StartAt(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var plan = await fixture.PlanAsync("tiny-members", members: 2);
        var t = await fixture.TenantAsync("limit-members", plan);
        string key;
        Guid first;
        await using (var scope = fixture.CreateScope(t.Id))
        {
            first = (await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request("First", LedgerTestKit.NewPhone(), null))).CustomerId;
            await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request("Second", LedgerTestKit.NewPhone(), null));
            key = (await scope.Get<CreateApiKey>().ExecuteAsync(new CreateApiKey.Request("POS", null), AuditActor.System)).Key;
        }

        // At the limit: the counter's enrol still works and starts the 7-day grace.
        using var cashier = await fixture.SignedInAsync(t.Cashier.Email, t.Cashier.Password);
        using (var ok = await cashier.SubmitAsync("/counter?enrol=true", new Dictionary<string, string> { ["Enrol.Name"] = "In grace", ["Enrol.Phone"] = LedgerTestKit.NewPhone() }, "/counter?handler=Enrol"))
            ok.StatusCode.Should().Be(HttpStatusCode.Redirect, cashier.LastHtml);
        (await Members(t)).Should().Be(3);
        await using (var scope = fixture.CreateScope(t.Id))
            (await scope.Db.LimitGraces.SingleAsync()).Since.Should().Be(start);

        // Grace over: refused at the counter (with why and where to upgrade), on the portal, by the API.
        fixture.Clock.Advance(PlanLimits.MemberGrace + TimeSpan.FromMinutes(1));
        using var cashierAgain = await fixture.SignedInAsync(t.Cashier.Email, t.Cashier.Password); // a week later: a new session
        using (var refused = await cashierAgain.SubmitAsync("/counter?enrol=true&culture=en", new Dictionary<string, string> { ["Enrol.Name"] = "Too late", ["Enrol.Phone"] = LedgerTestKit.NewPhone() }, "/counter?handler=Enrol&culture=en"))
        {
            refused.StatusCode.Should().Be(HttpStatusCode.OK);
            var html = await refused.Content.ReadAsStringAsync();
            html.Should().Contain("includes 2 members").And.Contain("data-testid=\"plan-limit-link\"").And.Contain("href=\"/app/plan\"");
        }
        using (var portal = fixture.Client())
        using (var join = await portal.SubmitAsync($"/{t.Slug}/join?culture=en", new Dictionary<string, string>
        { ["Input.Name"] = "Portal Joiner", ["Input.Email"] = "joiner@example.com", ["Input.AcceptTerms"] = "true" }))
        {
            join.StatusCode.Should().Be(HttpStatusCode.OK);
            (await join.Content.ReadAsStringAsync()).Should().Contain("not taking new members right now");
        }
        using var api = fixture.ApiClient(key);
        var problem = await (await api.PostJsonAsync("/api/v1/customers", new { name = "Api Joiner", phone = LedgerTestKit.NewPhone() })).ProblemAsync(HttpStatusCode.Forbidden);
        (problem.GetProperty("code").GetString(), problem.GetProperty("upgradeUrl").GetString()).Should().Be(("plan_limit", "/app/plan"));
        (await Members(t)).Should().Be(3, "nothing joined after the grace period");

        // An existing member keeps earning and redeeming.
        await using (var scope = fixture.CreateScope(t.Id))
        {
            var bought = await scope.Get<RecordPurchase>().ExecuteAsync(new RecordPurchase.Request(t.StoreId, first, null, 100_00, null, LedgerTestKit.NewKey()));
            bought.Value.EarnedCents.Should().BeGreaterThan(0);
        }

        // Upgraded: joins work again and the grace is gone.
        await using (var scope = fixture.CreateScope(t.Id))
            await scope.Get<ChangePlan>().ExecuteAsync(new ChangePlan.Request(t.Id, PlanDefinition.Pro, "test"), AuditActor.System);
        (await api.PostJsonAsync("/api/v1/customers", new { name = "After upgrade", phone = LedgerTestKit.NewPhone() })).StatusCode.Should().Be(HttpStatusCode.Created);
        (await Members(t)).Should().Be(4);
        await using (var scope = fixture.CreateScope(t.Id))
            (await scope.Db.LimitGraces.CountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Stores_staff_automations_and_api_are_refused_at_the_limit_with_a_link_to_the_plan_page()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var plan = await fixture.PlanAsync("tiny-features", stores: 1, staff: 3, api: false, whatsApp: false, automations: false);
        var t = await fixture.TenantAsync("limit-features", plan);
        using var owner = await fixture.SignedInAsync(t.Owner.Email, t.Owner.Password);

        using (var store = await owner.SubmitAsync("/app/stores/new?culture=en", new Dictionary<string, string> { ["Input.Name"] = "Second", ["Input.Active"] = "true" }))
        {
            store.StatusCode.Should().Be(HttpStatusCode.OK);
            (await store.Content.ReadAsStringAsync()).Should().Contain("includes 1 active stores").And.Contain("plan-limit-link");
        }
        using (var invite = await owner.SubmitAsync("/app/staff?culture=en", new Dictionary<string, string>
        { ["Invite.Email"] = "fourth@limit-features.test", ["Invite.Role"] = "Manager", ["Invite.StoreId"] = "" }, "/app/staff?handler=Invite&culture=en"))
        {
            invite.StatusCode.Should().Be(HttpStatusCode.OK);
            (await invite.Content.ReadAsStringAsync()).Should().Contain("includes 3 staff members").And.Contain("plan-limit-link");
        }
        await using (var scope = fixture.CreateScope(t.Id))
        {
            (await scope.Db.Stores.CountAsync(), await scope.Db.StaffInvitations.CountAsync()).Should().Be((1, 0), "a refusal changes nothing");
            await LedgerTestKit.ShouldFailAsync(() => scope.Get<CreateApiKey>().ExecuteAsync(new CreateApiKey.Request("POS", null), AuditActor.System), "plan_limit");
            await LedgerTestKit.ShouldFailAsync(() => scope.Get<SaveAutomationSettings>().ExecuteAsync(
                [new SaveAutomationSettings.Item(Triggers.Welcome, true, true, false, 0, null, false)], AuditActor.System), "plan_limit");
        }

        // A key made while the plan had API access is refused once the plan has none (403, kept, works again after an upgrade).
        await fixture.SetPlanAsync(t.Id, PlanDefinition.Pro);
        string key;
        await using (var scope = fixture.CreateScope(t.Id))
            key = (await scope.Get<CreateApiKey>().ExecuteAsync(new CreateApiKey.Request("POS", null), AuditActor.System)).Key;
        await fixture.SetPlanAsync(t.Id, plan);
        using var api = fixture.ApiClient(key);
        var problem = await (await api.GetAsync("/api/v1/program")).ProblemAsync(HttpStatusCode.Forbidden);
        problem.GetProperty("code").GetString().Should().Be("plan_limit");
        problem.GetProperty("detail").GetString().Should().Contain("does not include API access");
        await fixture.SetPlanAsync(t.Id, PlanDefinition.Pro);
        (await api.GetAsync("/api/v1/program")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_downgrade_keeps_every_row_and_says_what_will_stop()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var t = await fixture.TenantAsync("downgrade", PlanDefinition.Pro);
        await using (var scope = fixture.CreateScope(t.Id))
        {
            scope.Db.Stores.Add(new Web.Features.Tenancy.Store { Name = "Second", CreatedAt = fixture.Clock.Now });
            await scope.Db.SaveChangesAsync();
        }
        ChangePlan.Result result;
        await using (var scope = fixture.CreateScope(t.Id))
            result = await scope.Get<ChangePlan>().ExecuteAsync(new ChangePlan.Request(t.Id, PlanDefinition.Free, "operator test"), new AuditActor(null, "operator@plans.test", null, null));
        (result.FromPlanCode, result.ToPlanCode, result.Changed).Should().Be((PlanDefinition.Pro, PlanDefinition.Free, true));
        result.Consequences.Select(c => c.What).Should().BeEquivalentTo([Metrics.Stores, Metrics.Staff, Metrics.WhatsApp, "api"]);
        await using (var scope = fixture.CreateScope(t.Id))
        {
            (await scope.Db.Stores.CountAsync(s => s.Active)).Should().Be(2, "nothing is deleted or deactivated");
            (await scope.Db.Memberships.CountAsync()).Should().Be(3);
            var audit = await scope.Db.Set<AuditEntry>().SingleAsync(a => a.Action == "plan.changed");
            audit.Actor.Should().Be("operator@plans.test");
            audit.Summary.Should().Contain("from pro to free");
        }
        using var owner = await fixture.SignedInAsync(t.Owner.Email, t.Owner.Password);
        var page = await owner.GetPageAsync("/app/plan?culture=en");
        page.Should().Contain("data-testid=\"current-plan\">Free<").And.Contain("no store can be added or reactivated");
    }

    private async Task<int> Members(TenantKit.TestTenant t)
    {
        await using var scope = fixture.CreateScope(t.Id);
        return await PlanLimits.Members(scope.Db).CountAsync();
    }
}
