using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;

namespace Smartbis.Tests.Automations;

/// <summary>The merchant's automation pages: list and save, template editor errors and preview, managers only.</summary>
public sealed class AutomationPagesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_manager_turns_a_trigger_off_and_the_template_editor_explains_an_unknown_variable_while_a_cashier_is_refused()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "autopages");
        using var owner = fixture.CreateFormClient();
        (await owner.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();

        var list = await owner.GetPageAsync("/app/automations");
        list.Should().Contain("data-trigger=\"cashback_earned\"").And.Contain("data-trigger=\"birthday\"");
        var fields = new Dictionary<string, string>();
        var triggers = new[] { "welcome", "cashback_earned", "cashback_available", "voucher_issued", "expiring_soon", "win_back", "birthday", "referral_rewarded" };
        for (var i = 0; i < triggers.Length; i++)
        {
            fields[$"Items[{i}].Trigger"] = triggers[i];
            fields[$"Items[{i}].Enabled"] = triggers[i] == "welcome" ? "false" : "true";
            fields[$"Items[{i}].Email"] = "true";
            fields[$"Items[{i}].WhatsApp"] = "false";
            fields[$"Items[{i}].DelayMinutes"] = "0";
            fields[$"Items[{i}].Days"] = triggers[i] is "expiring_soon" or "win_back" ? "10" : "";
        }
        using (var saved = await owner.SubmitAsync("/app/automations", fields))
            saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        await using (var scope = fixture.CreateScope(t.Id))
        {
            var rows = await scope.Db.AutomationSettings.ToListAsync();
            rows.Single(r => r.Trigger == "welcome").Enabled.Should().BeFalse();
            rows.Single(r => r.Trigger == "win_back").Days.Should().Be(10);
        }

        var editor = await owner.GetPageAsync("/app/automations/template?trigger=cashback_earned&channel=Email&locale=en");
        editor.Should().Contain("You earned R$20.00", "the preview renders the default for a sample customer");
        using var bad = await owner.SubmitAsync("/app/automations/template?trigger=welcome&channel=Email&locale=en",
            new Dictionary<string, string> { ["Subject"] = "Hi", ["Body"] = "Your code {{ voucher_code }}" }, action: "/app/automations/template?handler=Save&trigger=welcome&channel=Email&locale=en");
        var html = await bad.Content.ReadAsStringAsync();
        html.Should().Contain("unknown variable &quot;voucher_code&quot;");
        await using (var scope = fixture.CreateScope(t.Id))
            (await scope.Db.MessageTemplates.CountAsync()).Should().Be(0, "an invalid template is not saved");

        using var cashier = fixture.CreateFormClient();
        (await cashier.SignInAsync(t.Cashier.Email, t.Cashier.Password)).Dispose();
        using var refused = await cashier.GetAsync("/app/automations");
        refused.StatusCode.Should().BeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.Redirect);
    }
}
