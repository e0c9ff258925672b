using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Rewards;

namespace Smartbis.Tests.Features.Rewards;

/// <summary>The merchant's form rules: every field checked with its own message, nothing saved on a refusal, every change audited.</summary>
public sealed class SaveRewardTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task Bad_input_is_refused_field_by_field_and_saves_nothing()
    {
        var shop = await NewTenantAsync(SampleRules.Plain(0));
        var bad = new SaveReward.Request(null, " ", new string('x', 1001), "http://example.com/a.png", 0, RewardKind.Voucher, null, -1, 0,
            new DateOnly(2026, 5, 10), new DateOnly(2026, 5, 1), [], 0, true);

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.SaveRewardAsync(bad), "validation");

        refusal.Errors.Keys.Should().BeEquivalentTo(["name", "description", "imageUrl", "costPoints", "valueCents", "stock", "perCustomerLimit", "endsOn", "claimDays"]);
        refusal.Errors["imageUrl"].Single().Should().Contain("https://");
        (await LedgerTestKit.ShouldFailAsync(() => shop.SaveRewardAsync(RewardsKit.Reward(stores: [Guid.NewGuid()])), "validation"))
            .Errors.Keys.Should().Equal("storeIds");
        (await shop.WithDbAsync(db => db.Rewards.CountAsync())).Should().Be(0);
        (await shop.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action.StartsWith("reward.")))).Should().Be(0);
    }

    [Fact]
    public async Task Add_change_and_archive_are_audited_and_dates_are_days_in_the_tenants_time_zone()
    {
        var shop = await NewTenantAsync(SampleRules.Plain(0)); // America/Sao_Paulo, UTC-3
        var id = await shop.SaveRewardAsync(RewardsKit.Reward("Voucher R$ 10", 500, RewardKind.Voucher, valueCents: 10_00,
            startsOn: new DateOnly(2026, 4, 1), endsOn: new DateOnly(2026, 4, 30)));
        var saved = await shop.RewardAsync(id);
        saved.StartsAt.Should().Be(new DateTimeOffset(2026, 4, 1, 3, 0, 0, TimeSpan.Zero));
        saved.EndsAt.Should().Be(new DateTimeOffset(2026, 5, 1, 3, 0, 0, TimeSpan.Zero));
        saved.ValueCents.Should().Be(10_00);

        Clock.Advance(TimeSpan.FromSeconds(1));
        await shop.SaveRewardAsync(RewardsKit.Reward("Voucher R$ 10", 600, RewardKind.Voucher, valueCents: 10_00) with { RewardId = id, ImageUrl = "https://cdn.example.com/v.png" });
        Clock.Advance(TimeSpan.FromSeconds(1));
        await shop.RunAsync<ArchiveReward, int>(async a => { await a.ExecuteAsync(id, true, AuditActor.System); return 0; });

        var changed = await shop.RewardAsync(id);
        changed.CostPoints.Should().Be(600);
        changed.ImageUrl.Should().Be("https://cdn.example.com/v.png");
        changed.ArchivedAt.Should().NotBeNull();
        (await shop.WithDbAsync(db => db.Set<AuditEntry>().Where(a => a.SubjectId == id.ToString()).OrderBy(a => a.At).Select(a => a.Action).ToListAsync()))
            .Should().Equal("reward.created", "reward.updated", "reward.archived");

        var other = await NewTenantAsync(SampleRules.Plain(0));
        (await LedgerTestKit.ShouldFailAsync(() => other.SaveRewardAsync(RewardsKit.Reward() with { RewardId = id }), "not_found")).Status.Should().Be(404);
    }
}
