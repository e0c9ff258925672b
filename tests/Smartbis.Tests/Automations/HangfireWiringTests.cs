using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;

namespace Smartbis.Tests.Automations;

/// <summary>A real Hangfire server (1 worker): the commit of a purchase enqueues the job that emails "cashback earned".</summary>
public sealed class HangfireWiringFixture : SmtpDatabaseFixture
{
    protected override void ConfigureSettings(IDictionary<string, string?> settings)
    {
        base.ConfigureSettings(settings);
        settings["Smartbis:Hangfire:Workers"] = "1";
        settings["Smartbis:Automations:Recurring"] = "false";
    }
}

/// <summary>
/// Hangfire keeps one process-wide configuration (JobStorage.Current), which every app host of a parallel test run
/// overwrites; each host resolves its own storage (JobsSetup), and this class still runs alone so that nothing else
/// enqueues beside it.
/// </summary>
[CollectionDefinition(nameof(HangfireWiringCollection), DisableParallelization = true)]
public sealed class HangfireWiringCollection;

[Collection(nameof(HangfireWiringCollection))]
public sealed class HangfireWiringTests(HangfireWiringFixture fixture) : IClassFixture<HangfireWiringFixture>
{
    [Fact]
    public async Task Recording_a_purchase_enqueues_the_dispatch_after_commit_and_the_email_arrives()
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, "hfwire");
        var email = $"hf-{Guid.NewGuid():N}"[..16] + "@example.com";
        await using (var scope = fixture.CreateScope(t.Id))
        {
            await scope.Get<SaveProgramRules>().ExecuteAsync(SampleRules.Plain(), null, DateTimeOffset.UtcNow.AddDays(-1));
        }
        Guid customerId;
        await using (var scope = fixture.CreateScope(t.Id))
            customerId = (await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request("Hana Fire", LedgerTestKit.NewPhone(), email, EmailConsent: true))).CustomerId;
        await using (var scope = fixture.CreateScope(t.Id))
            await scope.Get<RecordPurchase>().ExecuteAsync(new RecordPurchase.Request(t.StoreId, customerId, null, 80_00, "HF-1", LedgerTestKit.NewKey()));

        var mail = await fixture.Smtp.WaitForMessageAsync(m => m.Subject?.Contains("R$ 4,00") == true && m.To.ToString().Contains(email), TimeSpan.FromSeconds(60));
        mail.Headers["List-Unsubscribe"].Should().Contain("/unsubscribe/");
    }
}
