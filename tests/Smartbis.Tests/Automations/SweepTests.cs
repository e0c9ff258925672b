using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Tests.Features;
using Smartbis.Web.Features.Automations;

namespace Smartbis.Tests.Automations;

/// <summary>
/// The every-minute safety net crosses tenants to find lost work (row-level security lets it read tenant ids only,
/// through CrossTenantRead), then acts per tenant with the tenant set.
/// </summary>
public sealed class SweepTests(AutomationsFixture fixture) : IClassFixture<AutomationsFixture>
{
    private static string Unique() => $"ana-{Guid.NewGuid():N}"[..20] + "@example.com";

    [Fact]
    public async Task The_sweep_finds_lost_outbox_events_and_stuck_messages_of_every_tenant()
    {
        fixture.Clock.StartAt(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
        var shops = new[] { await fixture.CreateTenantAsync(SampleRules.Plain(), name: "Sweep A"), await fixture.CreateTenantAsync(SampleRules.Plain(), name: "Sweep B") };
        var stuck = new List<Guid>();
        foreach (var shop in shops)
        {
            var ana = await shop.MemberAsync(Unique());
            await shop.BuyAsync(ana, 100_00);
            await shop.DispatchAsync();
            var sent = (await shop.MessagesAsync()).First();
            stuck.Add(sent.Id);
            // A worker claimed it and died: Sending, with a claim that has run out.
            await using var owner = fixture.OpenDb();
            await owner.Database.ExecuteSqlAsync(
                $"UPDATE messages SET status = 'Sending', claimed_until = {fixture.Clock.Now.AddHours(-1)} WHERE tenant_id = {shop.Id} AND id = {sent.Id}");
            // And a purchase whose after-commit job was lost: its outbox event stays unprocessed.
            await shop.BuyAsync(ana, 50_00);
        }
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));

        await using (var scope = fixture.CreateScope())
            await scope.Get<AutomationJobs>().SweepAsync();

        foreach (var (shop, id) in shops.Zip(stuck))
        {
            var message = (await shop.MessagesAsync()).Single(m => m.Id == id);
            message.Status.Should().Be(MessageStatus.Unknown, $"the stuck message of {shop.Slug} is found across tenants and marked with its tenant set");
            await using var connection = new NpgsqlConnection(fixture.ConnectionString);
            await connection.OpenAsync();
            await using var jobs = new NpgsqlCommand(
                "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%DispatchAndDeliverAsync%' AND arguments::text LIKE @tenant", connection);
            jobs.Parameters.AddWithValue("tenant", $"%{shop.Id}%");
            Convert.ToInt64(await jobs.ExecuteScalarAsync()).Should().BeGreaterThan(0, $"the lost outbox event of {shop.Slug} gets a dispatch job");
        }
    }
}
