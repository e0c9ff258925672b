using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Results;

namespace Smartbis.Tests.Results;

/// <summary>/app/results (owners and managers), its CSV and printable report, and /app/results/settings (owners only, validated per field, audited).</summary>
public sealed class ResultsPagesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_owner_reads_the_results_exports_them_and_sets_the_control_group()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "results-page");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();

        var page = WebUtility.HtmlDecode(await client.GetPageAsync("/app/results"));
        page.Should().Contain("Membros x grupo de controle").And.Contain("dados insuficientes por enquanto")
            .And.Contain("O grupo de controle está desativado").And.Contain("/app/reports/liability");
        WebUtility.HtmlDecode(await client.GetPageAsync("/app/results?from=2099-01&to=bad")).Should().Contain("Escolha um mês até o atual.");
        WebUtility.HtmlDecode(await client.GetPageAsync("/app/results/print")).Should().Contain("resultados do programa");

        using (var csv = await client.GetAsync("/app/results?handler=Csv"))
        {
            csv.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
            var text = await csv.Content.ReadAsStringAsync();
            text.Should().Contain("metric,members,control,difference,low_95,high_95,members_n,control_n,enough_data")
                .And.Contain("return_rate_30d,").And.Contain("incremental_revenue,").And.Contain("join_month,members,month_0");
        }

        var form = new Dictionary<string, string>
        {
            ["Input.ControlGroupEnabled"] = "true", ["Input.Share"] = "50", ["Input.StartsOn"] = "2000-01-01", ["Input.NoBoosts"] = "false",
            ["Input.EmailCost"] = "0,05", ["Input.WhatsAppCost"] = "0,30",
        };
        using (var bad = await client.SubmitAsync("/app/results/settings", form))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.OK);
            var html = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
            html.Should().Contain("O grupo de controle fica entre 1% e 20% dos novos membros.")
                .And.Contain("O grupo de controle começa hoje ou depois");
        }
        await using (var scope = fixture.CreateScope(t.Id))
            (await scope.Db.Set<ResultsSettings>().CountAsync()).Should().Be(0, "a refused form changes nothing");

        var today = DateTime.UtcNow.AddHours(-3).ToString("yyyy-MM-dd");
        using (var ok = await client.SubmitAsync("/app/results/settings", new Dictionary<string, string>(form) { ["Input.Share"] = "7,5", ["Input.StartsOn"] = today }))
            ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using (var scope = fixture.CreateScope(t.Id))
        {
            var s = await scope.Db.Set<ResultsSettings>().SingleAsync();
            (s.ControlGroupEnabled, s.ShareBps, s.EmailCostCents, s.WhatsAppCostCents).Should().Be((true, 750, 5L, 30L));
            (await scope.Db.Set<AuditEntry>().CountAsync(a => a.Action == "results.settings_saved")).Should().Be(1);
            (await scope.Db.Set<AuditEntry>().CountAsync(a => a.Action == "results.exported" && a.Summary.StartsWith("Results report"))).Should().Be(1);
        }
        WebUtility.HtmlDecode(await client.GetPageAsync("/app/results/settings")).Should().Contain("Ativo, 7,5%");
        WebUtility.HtmlDecode(await client.GetPageAsync("/app/results")).Should().Contain("Grupo de controle ativo: 7,5% dos novos membros");
    }

    [Fact]
    public async Task Managers_read_results_but_only_owners_change_the_control_group_and_cashiers_see_neither()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "results-roles");
        using var manager = fixture.CreateFormClient();
        (await manager.SignInAsync(t.Manager.Email, t.Manager.Password)).Dispose();
        (await manager.GetAsync("/app/results")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await manager.GetAsync("/app/results/print")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await manager.GetAsync("/app/results/settings")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        WebUtility.HtmlDecode(await manager.GetPageAsync("/app/results")).Should().NotContain("/app/results/settings");

        using var cashier = fixture.CreateFormClient();
        (await cashier.SignInAsync(t.Cashier.Email, t.Cashier.Password)).Dispose();
        foreach (var url in new[] { "/app/results", "/app/results?handler=Csv", "/app/results/print", "/app/results/settings" })
            (await cashier.GetAsync(url)).StatusCode.Should().Be(HttpStatusCode.Forbidden, url);
    }
}
