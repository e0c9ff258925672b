using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Programs;

namespace Smartbis.Tests.Dashboard;

public sealed class ProgramSettingsTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    internal static Dictionary<string, string> Good(string rate = "7") => new()
    {
        ["Input.EarnRatePercent"] = rate, ["Input.MinPurchase"] = "10.00", ["Input.MaxEarnPerPurchase"] = "",
        ["Input.ExcludedCategories"] = "prescription, tobacco", ["Input.PendingDays"] = "7", ["Input.ExpiryDays"] = "90",
        ["Input.MinRedeemBalance"] = "", ["Input.MaxRedeemSharePercent"] = "50", ["Input.VoucherMode"] = "Threshold",
        ["Input.VoucherThreshold"] = "20.00", ["Input.VoucherValidityDays"] = "30", ["Input.ReferrerReward"] = "10.00",
        ["Input.RefereeReward"] = "5.00", ["Input.ReferralMinPurchase"] = "50.00", ["Input.ReferralMonthlyCap"] = "5",
        ["Input.WelcomeBonus"] = "", ["Input.BirthdayBonus"] = "5.00",
        ["Input.Boosts[0].Name"] = "Double Tuesday", ["Input.Boosts[0].RatePercent"] = "10", ["Input.Boosts[0].Weekdays"] = "Tuesday",
        ["Input.CurrencyName"] = "Cashback", ["Input.PrimaryColor"] = "#123456",
    };

    private async Task<(TenantKit.TestTenant, FormClient)> SignedInOwnerAsync(string slug)
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, slug);
        var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();
        return (t, client);
    }

    [Fact]
    public async Task Saving_the_form_writes_the_next_version_audits_it_and_shows_it_in_the_history()
    {
        var (t, client) = await SignedInOwnerAsync("rules-save");
        using (client)
        {
            using var response = await client.SubmitAsync("/app/program?culture=en", Good());
            response.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);
            using (var again = await client.SubmitAsync("/app/program?culture=en", Good("7.5"))) again.StatusCode.Should().Be(HttpStatusCode.Redirect);

            await using var scope = fixture.CreateScope(t.Id);
            var versions = await scope.Db.ProgramRules.OrderBy(r => r.Version).ToListAsync();
            versions.Select(v => v.EarnRateBps).Should().Equal(700, 750);
            var v1 = versions[0];
            (v1.MinPurchaseCents, v1.MaxRedeemShareBps, v1.VoucherMode, v1.VoucherThresholdCents, v1.ExpiryDays).Should().Be((1000, 5000, VoucherMode.Threshold, 2000, 90));
            v1.ExcludedCategories.Should().Equal("prescription", "tobacco");
            v1.Boosts.Should().ContainSingle().Which.Weekdays.Should().Equal(DayOfWeek.Tuesday);
            (await scope.Db.Tenants.SingleAsync(x => x.Id == t.Id)).PrimaryColor.Should().Be("#123456");
            (await scope.Db.Set<Web.Features.Audit.AuditEntry>().CountAsync(a => a.Action == "program.updated")).Should().Be(2);

            var html = System.Net.WebUtility.HtmlDecode(await client.GetPageAsync("/app/program?culture=en"));
            html.Should().Contain("Version 2").And.Contain("Earn rate: 7% → 7.5%").And.Contain(t.Owner.Email);
        }
    }

    [Fact]
    public async Task Bad_settings_get_field_level_errors_and_save_nothing()
    {
        var (t, client) = await SignedInOwnerAsync("rules-bad");
        using (client)
        {
            var bad = Good();
            bad["Input.EarnRatePercent"] = "150";
            bad["Input.MinPurchase"] = "ten";
            bad["Input.PendingDays"] = "400";
            bad["Input.VoucherThreshold"] = "";
            bad["Input.Boosts[0].Weekdays"] = "";
            using var response = await client.SubmitAsync("/app/program?culture=en", bad);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var html = await response.Content.ReadAsStringAsync();
            foreach (var field in new[] { "EarnRatePercent", "MinPurchase", "PendingDays", "VoucherThreshold", "Boosts[0].Weekdays" })
                html.Should().MatchRegex($"data-valmsg-for=\"Input.{System.Text.RegularExpressions.Regex.Escape(field)}\"[^>]*>[^<]+<", field);
            await using var scope = fixture.CreateScope(t.Id);
            (await scope.Db.ProgramRules.CountAsync()).Should().Be(0);
        }
    }

    [Fact]
    public async Task A_cashier_cannot_open_program_settings()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "rules-cashier");
        using var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Cashier.Email, t.Cashier.Password)).Dispose();
        (await client.GetAsync("/app/program")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/app")).Headers.Location!.OriginalString.Should().Be("/counter");
    }
}
