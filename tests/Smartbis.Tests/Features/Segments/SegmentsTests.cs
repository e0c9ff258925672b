using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Reporting;
using Smartbis.Web.Features.Segments;

namespace Smartbis.Tests.Features.Segments;

/// <summary>
/// RFM segments with hand-checked thresholds (recency from the last purchase or from joining, refunds left out, the
/// first rule that fits), idempotent re-runs, tuned thresholds as audited versions with field-level validation, tags
/// (add twice, remove, case-insensitive, another tenant's tag not found) and the customer list's segment and tag filters.
/// </summary>
public sealed class SegmentsTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    /// <summary>A member who joined <paramref name="joinedDaysAgo"/> days ago and bought on each of <paramref name="boughtDaysAgo"/>.</summary>
    private static async Task<Guid> MemberAsync(TestTenant t, string name, int joinedDaysAgo, params int[] boughtDaysAgo)
    {
        var c = await t.EnrollAsync(name);
        foreach (var days in boughtDaysAgo)
        {
            var p = await t.BuyAsync(c, 50_00);
            await SetAsync(t, $"UPDATE purchases SET occurred_at = {{0}} WHERE id = '{p.PurchaseId}'", t.Now.AddDays(-days));
        }
        await SetAsync(t, $"UPDATE customers SET joined_at = {{0}} WHERE id = '{c}'", t.Now.AddDays(-joinedDaysAgo));
        return c;
    }

    // The moment is computed here, not in SQL: Citus refuses a STABLE function over a column in an UPDATE.
    private static async Task SetAsync(TestTenant t, string sql, DateTimeOffset at)
    {
        await using var scope = t.Scope();
        await scope.Db.Database.ExecuteSqlRawAsync(sql, at);
    }

    private static Task<Dictionary<Guid, SegmentKind>> SegmentsAsync(TestTenant t) =>
        t.WithDbAsync(db => db.Set<CustomerSegment>().AsNoTracking().ToDictionaryAsync(s => s.CustomerId, s => s.Segment));

    private static Task<AssignSegments.Result> AssignAsync(TestTenant t) => t.Fixture.Get<AssignSegments>().ExecuteAsync(t.Id);

    [Fact]
    public async Task Members_get_the_first_segment_that_fits_with_the_default_and_tuned_thresholds()
    {
        // Defaults: new ≤ 30 days since joining; lost > 180 days without buying; at risk > 60; loyal ≥ 5 purchases in 180 days.
        var t = await NewTenantAsync(SampleRules.Plain(500));
        var fresh = await MemberAsync(t, "Fresh", 10, 2);                         // joined 10 days ago: new, whatever they bought
        var gone = await MemberAsync(t, "Gone", 400, 200);                        // last purchase 200 days ago: lost
        var neverBought = await MemberAsync(t, "Never bought", 400);             // no purchase, joined 400 days ago: lost
        var quiet = await MemberAsync(t, "Quiet", 400, 90);                       // 90 days: at risk
        var edge = await MemberAsync(t, "Edge", 400, 59);                         // 59 days: not yet at risk → active
        var loyal = await MemberAsync(t, "Loyal", 400, 5, 20, 40, 60, 100);       // 5 purchases in 180 days, last 5 days ago
        var almost = await MemberAsync(t, "Almost", 400, 5, 20, 40, 60);         // four, and a fifth today refunded in full below
        var regular = await MemberAsync(t, "Regular", 400, 10, 30);               // 2 purchases: active
        var walkIn = (await t.RecordAsync(t.Purchase(null, 10_00, phone: LedgerTestKit.NewPhone()))).Value.CustomerId; // never joined
        await t.RefundAsync((await t.BuyAsync(almost, 50_00)).PurchaseId, 50_00);

        var first = await AssignAsync(t);
        var s = await SegmentsAsync(t);
        s.Should().NotContainKey(walkIn, "a walk-in who never joined is not a member");
        s[fresh].Should().Be(SegmentKind.New);
        s[gone].Should().Be(SegmentKind.Lost);
        s[neverBought].Should().Be(SegmentKind.Lost);
        s[quiet].Should().Be(SegmentKind.AtRisk);
        s[edge].Should().Be(SegmentKind.Active);
        s[loyal].Should().Be(SegmentKind.Loyal);
        s[almost].Should().Be(SegmentKind.Active, "a purchase refunded in full does not count");
        (await t.WithDbAsync(db => db.Set<CustomerSegment>().Where(x => x.CustomerId == almost).Select(x => x.LastPurchaseAt).SingleAsync()))
            .Should().Be(t.Now.AddDays(-5), "nor for recency");
        s[regular].Should().Be(SegmentKind.Active);
        first.Changed.Should().Be(8);
        first.Sizes.Should().BeEquivalentTo(new Dictionary<SegmentKind, int>
        {
            [SegmentKind.New] = 1, [SegmentKind.Lost] = 2, [SegmentKind.AtRisk] = 1, [SegmentKind.Loyal] = 1, [SegmentKind.Active] = 3,
        });
        var loyalRow = await t.WithDbAsync(db => db.Set<CustomerSegment>().AsNoTracking().SingleAsync(x => x.CustomerId == loyal));
        (loyalRow.PurchasesInWindow, loyalRow.SpentInWindowCents).Should().Be((5, 250_00L));

        // Idempotent: nothing changed, nothing rewritten, the day's snapshot the same.
        (await AssignAsync(t)).Should().BeEquivalentTo(first with { Changed = 0 });
        (await t.WithDbAsync(db => db.Set<SegmentSnapshot>().CountAsync())).Should().Be(5);

        // Tuned: loyal from 2 purchases spending R$ 100,00; at risk after 50 days. Regular (2 × R$ 50,00 = R$ 100,00) becomes loyal,
        // edge (59 days) at risk; the day's snapshot is replaced, and the member who stayed keeps their "since".
        var since = await t.WithDbAsync(db => db.Set<CustomerSegment>().Where(x => x.CustomerId == loyal).Select(x => x.Since).SingleAsync());
        Clock.Advance(TimeSpan.FromHours(1));
        await t.RunAsync<SaveSegmentSettings, SegmentSettings>(x => x.ExecuteAsync(new SaveSegmentSettings.Request(30, 50, 180, 180, 2, 100_00), AuditActor.System));
        var tuned = await AssignAsync(t);
        s = await SegmentsAsync(t);
        s[regular].Should().Be(SegmentKind.Loyal);
        s[edge].Should().Be(SegmentKind.AtRisk);
        s[almost].Should().Be(SegmentKind.Loyal);
        tuned.Sizes[SegmentKind.Loyal].Should().Be(3);
        tuned.Sizes.GetValueOrDefault(SegmentKind.Active).Should().Be(0);
        (await t.WithDbAsync(db => db.Set<CustomerSegment>().Where(x => x.CustomerId == loyal).Select(x => x.Since).SingleAsync())).Should().Be(since);
        var entered = await t.WithDbAsync(db => db.Set<SegmentSnapshot>().AsNoTracking().SingleAsync(x => x.Segment == SegmentKind.Loyal));
        entered.Members.Should().Be(3);

        // A blocked member leaves the segments at the next run.
        await t.RunAsync<Smartbis.Web.Features.Customers.BlockCustomer, bool>(b => b.ExecuteAsync(gone, true, AuditActor.System));
        await AssignAsync(t);
        (await SegmentsAsync(t)).Should().NotContainKey(gone);
    }

    [Fact]
    public async Task Thresholds_are_validated_per_field_and_saved_as_audited_versions()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        var refused = await LedgerTestKit.ShouldFailAsync(() => t.RunAsync<SaveSegmentSettings, SegmentSettings>(x =>
            x.ExecuteAsync(new SaveSegmentSettings.Request(0, 90, 60, 3, 0, -1), AuditActor.System)), "validation");
        refused.Errors.Keys.Should().BeEquivalentTo(["NewDays", "LostDays", "WindowDays", "LoyalPurchases", "LoyalSpendCents"]);
        refused.Errors["LostDays"].Should().Contain(m => m.Contains("90 days"));
        (await t.WithDbAsync(db => db.Set<SegmentSettings>().CountAsync())).Should().Be(0, "a refused change saves nothing");
        (await t.WithDbAsync(db => SegmentRules.SettingsAsync(db))).Version.Should().Be(0);

        await t.RunAsync<SaveSegmentSettings, SegmentSettings>(x => x.ExecuteAsync(new SaveSegmentSettings.Request(15, 45, 120, 90, 4, 200_00), AuditActor.System));
        await t.RunAsync<SaveSegmentSettings, SegmentSettings>(x => x.ExecuteAsync(new SaveSegmentSettings.Request(20, 45, 120, 90, 4, 200_00), AuditActor.System));
        var now = await t.WithDbAsync(db => SegmentRules.SettingsAsync(db));
        (now.Version, now.NewDays, now.LoyalSpendCents).Should().Be((2, 20, 200_00L));
        (await t.WithDbAsync(db => db.Set<SegmentSettings>().CountAsync())).Should().Be(2, "the first version stays");
        var audit = await t.WithDbAsync(db => db.Set<AuditEntry>().Where(a => a.Action == "segments.thresholds_changed").CountAsync());
        audit.Should().Be(2);
    }

    [Fact]
    public async Task Tags_are_added_once_removed_and_filter_the_customer_list_with_the_segment()
    {
        var t = await NewTenantAsync(SampleRules.Plain(500));
        var other = await NewTenantAsync(SampleRules.Plain(500));
        var ana = await MemberAsync(t, "Ana", 400, 5, 20, 40, 60, 100);
        var bia = await MemberAsync(t, "Bia", 400, 10);
        var caio = await MemberAsync(t, "Caio", 400, 10);
        await AssignAsync(t);

        var vip = await t.RunAsync<TagCustomer, Tag>(x => x.ExecuteAsync(ana, " Lunch club ", AuditActor.System));
        (await t.RunAsync<TagCustomer, Tag>(x => x.ExecuteAsync(bia, "LUNCH CLUB", AuditActor.System))).Id.Should().Be(vip.Id, "tags are per tenant, case-insensitive");
        await t.RunAsync<TagCustomer, Tag>(x => x.ExecuteAsync(bia, "lunch club", AuditActor.System));
        vip.Name.Should().Be("Lunch club");
        (await t.WithDbAsync(db => db.Set<CustomerTag>().CountAsync())).Should().Be(2, "tagging twice changes nothing");
        await LedgerTestKit.ShouldFailAsync(() => t.RunAsync<TagCustomer, Tag>(x => x.ExecuteAsync(caio, "  ", AuditActor.System)), "validation");

        async Task<List<string>> ListAsync(SegmentKind? segment, Guid? tag) =>
            (await t.WithDbAsync(db => CustomerSearch.RunAsync(db, null, "name", 1, segment, tag))).Rows.Select(r => r.Name).ToList();
        (await ListAsync(null, vip.Id)).Should().Equal("Ana", "Bia");
        (await ListAsync(SegmentKind.Loyal, null)).Should().Equal("Ana");
        (await ListAsync(SegmentKind.Active, vip.Id)).Should().Equal("Bia");
        (await ListAsync(SegmentKind.Active, null)).Should().Equal("Bia", "Caio");

        await t.RunAsync<UntagCustomer, bool>(async x => { await x.ExecuteAsync(bia, vip.Id, AuditActor.System); return true; });
        await t.RunAsync<UntagCustomer, bool>(async x => { await x.ExecuteAsync(bia, vip.Id, AuditActor.System); return true; });
        (await ListAsync(null, vip.Id)).Should().Equal("Ana");
        (await t.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "customer.tagged" || a.Action == "customer.untagged"))).Should().Be(3);

        // Another tenant's tag or customer is not found; its list does not see this tenant's tag.
        await LedgerTestKit.ShouldFailAsync(() => other.RunAsync<UntagCustomer, bool>(async x => { await x.ExecuteAsync(ana, vip.Id, AuditActor.System); return true; }), "not_found");
        await LedgerTestKit.ShouldFailAsync(() => other.RunAsync<TagCustomer, Tag>(x => x.ExecuteAsync(ana, "x", AuditActor.System)), "not_found");
        (await other.WithDbAsync(db => CustomerSearch.RunAsync(db, null, "name", 1, null, vip.Id))).Total.Should().Be(0);
    }
}
