using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Dashboard;

public sealed class SignUpTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static Dictionary<string, string> Form(string slug, string email, string? business = "Farmácia Boa Vida", string rate = "5",
        string password = "a long passphrase 42", string owner = "Joana Dias") => new()
        {
            ["Input.BusinessName"] = business ?? "", ["Input.Slug"] = slug, ["Input.OwnerName"] = owner, ["Input.Email"] = email,
            ["Input.Password"] = password, ["Input.RewardType"] = "cashback", ["Input.EarnRatePercent"] = rate, ["Input.CurrencyName"] = "Cashback",
        };

    [Fact]
    public async Task Sign_up_creates_a_free_tenant_with_owner_store_and_rules_v1_and_lands_on_the_checklist()
    {
        using var client = fixture.CreateFormClient();
        using var response = await client.SubmitAsync("/signup", Form("boa-vida", "joana@boavida.test", rate: "7,5"));
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);
        response.Headers.Location!.OriginalString.Should().Be("/app/welcome");

        var html = await client.GetPageAsync("/app/welcome");
        html.Should().Contain("data-testid=\"checklist\"").And.Contain("/boa-vida");
        html.Should().Contain("data-step=\"program\" data-done=\"false\"");
        html.Should().Contain("data-step=\"automations\" data-done=\"false\"");

        // Saving the automations as reviewed (defaults kept) ticks the step.
        using (var saved = await client.SubmitAsync("/app/automations", new Dictionary<string, string>
        { ["Items[0].Trigger"] = "welcome", ["Items[0].Enabled"] = "true", ["Items[0].Email"] = "true", ["Items[0].DelayMinutes"] = "0" }))
            saved.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);
        (await client.GetPageAsync("/app/welcome")).Should().Contain("data-step=\"automations\" data-done=\"true\"");

        await using var scope = fixture.CreateScope();
        var tenant = await scope.Db.Tenants.SingleAsync(t => t.Slug == "boa-vida");
        tenant.PlanCode.Should().Be(Smartbis.Web.Features.Plans.PlanDefinition.Free);
        tenant.Name.Should().Be("Farmácia Boa Vida");
        scope.Tenant.Set(tenant.Id);
        (await scope.Db.Stores.CountAsync()).Should().Be(1);
        var membership = await scope.Db.Memberships.SingleAsync();
        membership.Role.Should().Be(StaffRole.Owner);
        var rules = await scope.Db.ProgramRules.SingleAsync();
        (rules.Version, rules.EarnRateBps).Should().Be((1, 750));
        (await scope.Db.Set<Web.Features.Audit.AuditEntry>().CountAsync(a => a.Action == "tenant.created")).Should().Be(1);
    }

    [Theory]
    [InlineData("admin", "reserved")]
    [InlineData("Bad Slug!", "lowercase letters")]
    [InlineData("taken-one", "taken")]
    public async Task Bad_slugs_are_refused_beside_the_field_and_nothing_is_saved(string slug, string message)
    {
        if (slug == "taken-one") await TenantKit.CreateAsync(fixture.Factory, "taken-one");
        var tenantsBefore = await CountTenantsAsync();
        using var client = fixture.CreateFormClient();
        client.Http.DefaultRequestHeaders.Add("Accept-Language", "en");
        using var response = await client.SubmitAsync("/signup?culture=en", Form(slug, $"someone-{Guid.NewGuid():N}@x.test"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.Should().MatchRegex($"data-valmsg-for=\"Input.Slug\"[^>]*>[^<]*{message}");
        (await CountTenantsAsync()).Should().Be(tenantsBefore);
    }

    [Fact]
    public async Task Bad_sign_up_input_gets_field_errors_and_creates_no_user()
    {
        using var client = fixture.CreateFormClient();
        using var response = await client.SubmitAsync("/signup?culture=en",
            Form("fine-slug", "not-an-email", business: "", rate: "abc", password: "short", owner: ""));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        foreach (var field in new[] { "BusinessName", "Email", "Password", "EarnRatePercent", "OwnerName" })
            html.Should().MatchRegex($"data-valmsg-for=\"Input.{field}\"[^>]*>[^<]+<", field);
        await using var scope = fixture.CreateScope();
        (await scope.Db.Tenants.AnyAsync(t => t.Slug == "fine-slug")).Should().BeFalse();
        (await scope.Db.Users.AnyAsync(u => u.Email == "not-an-email")).Should().BeFalse();
    }

    [Fact]
    public async Task The_live_slug_check_answers_for_reserved_taken_and_free_addresses()
    {
        await TenantKit.CreateAsync(fixture.Factory, "live-taken");
        using var client = fixture.CreateFormClient();
        async Task<string> Check(string slug) => await (await client.GetAsync($"/signup?handler=CheckSlug&slug={slug}&culture=en")).Content.ReadAsStringAsync();
        (await Check("api")).Should().Contain("\"ok\":false").And.Contain("reserved");
        (await Check("live-taken")).Should().Contain("\"ok\":false").And.Contain("taken");
        (await Check("live-free")).Should().Contain("\"ok\":true");
    }

    private async Task<int> CountTenantsAsync()
    {
        await using var scope = fixture.CreateScope();
        return await scope.Db.Tenants.CountAsync();
    }
}
