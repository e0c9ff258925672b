using System.Net;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Reporting;

namespace Smartbis.Tests.Api;

/// <summary>A points program through the API (ledger amounts in points) and in the liability report (valued at the cost per point).</summary>
public sealed class PointsApiTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task The_api_says_the_program_earns_points_and_purchases_earn_whole_points_never_paid_with()
    {
        var rules = SampleRules.Points(2);
        rules.CostPerPointCents = 3;
        var t = await NewTenantAsync(rules);
        var customer = await t.EnrollAsync();
        var api = Fixture.ApiClient(await t.CreateKeyAsync());

        var p = await (await api.GetAsync("/api/v1/program")).JsonAsync(HttpStatusCode.OK);
        p.GetProperty("rewardType").GetString().Should().Be("points");
        p.GetProperty("pointsPerCurrencyUnit").GetInt32().Should().Be(2);
        p.Cents("costPerPointCents").Should().Be(3);

        var bought = await (await api.PostJsonAsync("/api/v1/purchases", new
        {
            customer = new { id = customer }, amountCents = 25_99, receiptNumber = "P-1", storeId = t.StoreId,
        })).JsonAsync(HttpStatusCode.Created);
        bought.Cents("earnedCents").Should().Be(51, "2 points per R$ 1 on R$ 25,99, rounded down");
        bought.GetProperty("balance").Cents("availableCents").Should().Be(51);
        (bought.GetProperty("rewardType").GetString(), bought.GetProperty("unit").GetString()).Should().Be(("points", "points"));
        (bought.GetProperty("balance").GetProperty("rewardType").GetString(), bought.GetProperty("balance").GetProperty("unit").GetString())
            .Should().Be(("points", "points"));

        var read = await (await api.GetAsync($"/api/v1/customers/{customer}")).JsonAsync(HttpStatusCode.OK);
        read.GetProperty("rewardType").GetString().Should().Be("points");
        read.GetProperty("balance").GetProperty("unit").GetString().Should().Be("points");
        read.GetProperty("balance").Cents("availableCents").Should().Be(51);
        var entries = await (await api.GetAsync($"/api/v1/customers/{customer}/entries")).JsonAsync(HttpStatusCode.OK);
        var earn = entries.GetProperty("items")[0];
        (earn.Cents("amountCents"), earn.GetProperty("rewardType").GetString(), earn.GetProperty("unit").GetString()).Should().Be((51L, "points", "points"));

        var refused = await (await api.PostJsonAsync("/api/v1/purchases", new
        {
            customer = new { id = customer }, amountCents = 10_00, receiptNumber = "P-2", storeId = t.StoreId, redeemCents = 10,
        })).ProblemAsync(HttpStatusCode.UnprocessableEntity);
        refused.GetProperty("code").GetString().Should().Be("points_not_payment");
        (await t.BalancesAsync(customer)).AvailableCents.Should().Be(51);

        // A cashback program says so: the same fields in cents.
        var cash = await NewTenantAsync(SampleRules.Plain());
        var cashApi = Fixture.ApiClient(await cash.CreateKeyAsync());
        var cashBought = await (await cashApi.PostJsonAsync("/api/v1/purchases", new
        {
            customer = new { id = await cash.EnrollAsync() }, amountCents = 100_00, receiptNumber = "C-1", storeId = cash.StoreId,
        })).JsonAsync(HttpStatusCode.Created);
        (cashBought.GetProperty("rewardType").GetString(), cashBought.GetProperty("unit").GetString(),
            cashBought.GetProperty("balance").GetProperty("unit").GetString()).Should().Be(("cashback", "cents", "cents"));
    }

    [Fact]
    public async Task The_points_liability_is_valued_at_the_stated_cost_per_point()
    {
        var rules = SampleRules.Points(1);
        rules.CostPerPointCents = 2;
        rules.PendingDays = 7;
        var t = await NewTenantAsync(rules);
        var ana = await t.EnrollAsync();
        var bia = await t.EnrollAsync();
        await t.BuyAsync(ana, 300_00);              // 300 points pending
        await t.AdjustAsync(bia, 200, "Opening");   // 200 points available

        var today = DateOnly.FromDateTime(Clock.Now.UtcDateTime);
        var report = await t.WithDbAsync(db => LiabilityReport.LoadAsync(db, "America/Sao_Paulo", today.AddDays(-30), today, Clock.Now));

        (report.RewardType, report.PendingCents, report.AvailableCents).Should().Be((RewardType.Points, 300L, 200L));
        report.ValueCents.Should().Be(500 * 2, "500 points owed at R$ 0,02 each");

        // The accountant's CSV: points as whole numbers, and their money value at the cost per point.
        var tenant = await t.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Tenants, x => x.Id == t.Id));
        var bytes = await t.RunAsync<ExportLiabilityReport, byte[]>(e =>
            e.ExecuteAsync(report, tenant, today.AddDays(-30), today, Smartbis.Web.Features.Audit.AuditActor.System));
        var csv = System.Text.Encoding.UTF8.GetString(bytes);
        csv.Should().Contain("age_days;pending_points;available_points;vouchers;value", "a pt-BR tenant's spreadsheet: semicolons, decimal commas")
            .And.Contain("total_now;300;200;0,00;10,00").And.Contain("cost_per_point;0,02").And.Contain("value_now;10,00");
        // The daily series too: each day's liability in points and its money value at the cost per point.
        var lines = csv.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.FindIndex(l => l.StartsWith("date;", StringComparison.Ordinal));
        lines[header].Should().Be("date;earned;bonuses;redeemed;expired;liability_end_of_day;liability_value");
        var ptBr = System.Globalization.CultureInfo.GetCultureInfo("pt-BR");
        var days = lines.Skip(header + 1).TakeWhile(l => l.Length > 0).Select(l => l.Split(';')).ToList();
        days.Should().NotBeEmpty().And.OnlyContain(d => d.Length == 7
            && decimal.Parse(d[6], ptBr) == long.Parse(d[5].Replace(".", ""), ptBr) * 2 / 100m);

        var cashback = await NewTenantAsync(SampleRules.Plain());
        var c = await cashback.EnrollAsync();
        await cashback.BuyAsync(c, 100_00);
        var money = await cashback.WithDbAsync(db => LiabilityReport.LoadAsync(db, "America/Sao_Paulo", today.AddDays(-30), today, Clock.Now));
        money.ValueCents.Should().Be(5_00, "cashback is already money");
    }

    [Fact]
    public async Task Csv_import_takes_opening_balances_in_points_and_export_writes_points()
    {
        var t = await NewTenantAsync(SampleRules.Points(1));
        var phone = LedgerTestKit.NewPhone();
        var csv = $"name,phone,opening_balance\nRita Souza,{phone},1.250\nBad Row,{LedgerTestKit.NewPhone()},\"12,5\"\n";

        var dry = await t.RunAsync<Smartbis.Web.Features.Onboarding.ImportCustomers, Smartbis.Web.Features.Onboarding.ImportCustomers.Result>(i =>
            i.ExecuteAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), true, Smartbis.Web.Features.Audit.AuditActor.System));
        dry.Errors.Should().ContainSingle(e => e.Line == 3);
        dry.Errors[0].ToString().Should().Contain("whole number of points");

        var good = $"name,phone,opening_balance\nRita Souza,{phone},1.250\n";
        var imported = await t.RunAsync<Smartbis.Web.Features.Onboarding.ImportCustomers, Smartbis.Web.Features.Onboarding.ImportCustomers.Result>(i =>
            i.ExecuteAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(good)), false, Smartbis.Web.Features.Audit.AuditActor.System));
        (imported.Imported, imported.OpeningBalanceCents).Should().Be((1, 1_250L));

        var bytes = await t.RunAsync<Smartbis.Web.Features.Customers.ExportCustomers, byte[]>(e => e.ExecuteAsync(null, Smartbis.Web.Features.Audit.AuditActor.System));
        var lines = System.Text.Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split('\n');
        lines[1].Should().StartWith("Rita Souza;").And.Contain(";1250;0;0,00;", "available and pending in whole points, vouchers in money");
    }
}
