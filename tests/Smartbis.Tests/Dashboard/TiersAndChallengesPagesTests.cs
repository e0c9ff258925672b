using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Challenges;
using Smartbis.Web.Features.Tiers;

namespace Smartbis.Tests.Dashboard;

/// <summary>/app/tiers and /app/challenges: managers save (validated per field, audited), cashiers get 403, other tenants' ids 404, no antiforgery 400.</summary>
public sealed class TiersAndChallengesPagesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private static Dictionary<string, string> TierForm(string silver, string gold) => new()
    {
        ["Input.Enabled"] = "true", ["Input.Measure"] = "Spend", ["Input.WindowMonths"] = "12", ["Input.ReviewPeriod"] = "Quarterly", ["Input.ReminderDays"] = "14",
        ["Input.Levels[0].Name"] = "Bronze", ["Input.Levels[0].Threshold"] = "0", ["Input.Levels[0].Multiplier"] = "1",
        ["Input.Levels[1].Name"] = "Prata", ["Input.Levels[1].Threshold"] = silver, ["Input.Levels[1].Multiplier"] = "1,5", ["Input.Levels[1].Perks"] = "Brinde",
        ["Input.Levels[2].Name"] = "Ouro", ["Input.Levels[2].Threshold"] = gold, ["Input.Levels[2].Multiplier"] = "2",
    };

    [Fact]
    public async Task A_manager_saves_tiers_as_versions_and_bad_levels_are_refused_per_field()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "tiers-page");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Manager.Email, t.Manager.Password)).Dispose();

        using (var bad = await client.SubmitAsync("/app/tiers", TierForm("500,00", "400,00")))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.OK);
            var html = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
            html.Should().Contain("Cada nível precisa de um limite maior que o anterior.");
        }
        await using (var scope = fixture.CreateScope(t.Id))
            (await scope.Db.Set<TierProgram>().CountAsync()).Should().Be(0, "a refused form changes nothing");

        using (var ok = await client.SubmitAsync("/app/tiers", TierForm("500,00", "1.000,00")))
            ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        using (var again = await client.SubmitAsync("/app/tiers", TierForm("600,00", "1.000,00")))
            again.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using (var scope = fixture.CreateScope(t.Id))
        {
            var versions = await scope.Db.Set<TierProgram>().AsNoTracking().OrderBy(p => p.Version).ToListAsync();
            versions.Select(v => v.Levels[1].Threshold).Should().Equal(500_00L, 600_00L);
            versions[1].Levels.Select(l => l.MultiplierBps).Should().Equal(10_000, 15_000, 20_000);
            (await scope.Db.Set<AuditEntry>().CountAsync(a => a.Action == "tiers.updated")).Should().Be(2);
        }
        var page = WebUtility.HtmlDecode(await client.GetPageAsync("/app/tiers"));
        page.Should().Contain("Membros por nível").And.Contain("Ouro");
    }

    [Fact]
    public async Task Challenges_are_created_edited_and_ended_by_managers_only_within_their_tenant()
    {
        var a = await TenantKit.CreateAsync(fixture.Factory, "chal-page-a");
        var b = await TenantKit.CreateAsync(fixture.Factory, "chal-page-b");
        Guid theirs;
        await using (var scope = fixture.CreateScope(b.Id))
            theirs = (await scope.Get<SaveChallenge>().ExecuteAsync(new SaveChallenge.Request(null, "B's", null, ChallengeKind.PurchaseCount, 3, null,
                new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), 10_00), AuditActor.System)).Id;

        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(a.Owner.Email, a.Owner.Password)).Dispose();
        var form = new Dictionary<string, string>
        {
            ["Input.Name"] = "3 compras em dezembro", ["Input.Kind"] = "PurchaseCount", ["Input.Target"] = "3", ["Input.StoreId"] = "",
            ["Input.StartsOn"] = "2026-12-01", ["Input.EndsOn"] = "2026-12-31", ["Input.Bonus"] = "10,00",
        };
        using (var bad = await client.SubmitAsync("/app/challenges/new", new Dictionary<string, string>(form) { ["Input.EndsOn"] = "2026-11-01", ["Input.Bonus"] = "" }))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.OK);
            var html = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
            html.Should().Contain("A data de término deve ser igual ou posterior à de início.").And.Contain("Informe um bônus maior que zero.");
        }
        using (var ok = await client.SubmitAsync("/app/challenges/new", form))
            ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        Guid mine;
        await using (var scope = fixture.CreateScope(a.Id))
        {
            var c = await scope.Db.Set<Challenge>().AsNoTracking().SingleAsync();
            (c.Target, c.Bonus, c.StartsOn).Should().Be((3L, 10_00L, new DateOnly(2026, 12, 1)));
            mine = c.Id;
        }
        (await client.GetPageAsync("/app/challenges")).Should().Contain("3 compras em dezembro");
        var token = FormClient.FindAntiforgeryToken(await client.GetPageAsync("/app/challenges"));

        // Another tenant's challenge: 404 to read, edit or end, and it stays as it was.
        (await client.GetAsync($"/app/challenges/{theirs}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        using (var r = await client.PostAsync($"/app/challenges/{theirs}", form, token)) r.StatusCode.Should().Be(HttpStatusCode.NotFound);
        using (var r = await client.PostAsync($"/app/challenges?handler=End&id={theirs}", [], token)) r.StatusCode.Should().Be(HttpStatusCode.NotFound);
        await using (var scope = fixture.CreateScope(b.Id))
            (await scope.Db.Set<Challenge>().AsNoTracking().SingleAsync()).Should().Match<Challenge>(c => c.Name == "B's" && c.EndedAt == null);

        using (var noToken = await client.PostAsync($"/app/challenges?handler=End&id={mine}", [], null))
            noToken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        using (var end = await client.PostAsync($"/app/challenges?handler=End&id={mine}", [], token))
            end.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using (var scope = fixture.CreateScope(a.Id))
            (await scope.Db.Set<Challenge>().AsNoTracking().SingleAsync()).EndedAt.Should().NotBeNull();

        using var cashier = fixture.CreateFormClient();
        (await cashier.SignInAsync(a.Cashier.Email, a.Cashier.Password)).Dispose();
        foreach (var url in new[] { "/app/tiers", "/app/challenges", "/app/challenges/new" })
            (await cashier.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.Forbidden, url);
    }
}
