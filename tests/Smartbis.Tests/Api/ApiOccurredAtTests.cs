using System.Net;
using System.Text.Json;
using FluentAssertions.Execution;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Counter;

namespace Smartbis.Tests.Api;

/// <summary>
/// Issue 14, item 3: a purchase's occurredAt. Any ISO 8601 offset is accepted and stored as UTC (by the operation, so every
/// caller benefits); it may be at most 5 minutes ahead and at most the tenant's backdating window (default 72 hours) behind;
/// backdating never makes cashback available or expire sooner; a purchase recorded more than an hour after it happened is
/// flagged for managers. (The clock is the fixture's: Monday 2 March 2026, 12:00 UTC.)
/// </summary>
public sealed class ApiOccurredAtTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static object Body(Guid customer, string? occurredAt, string receipt = "T-1") =>
        occurredAt is null
            ? $"{{\"customer\":{{\"id\":\"{customer}\"}},\"amountCents\":10000,\"receiptNumber\":\"{receipt}\"}}"
            : $"{{\"customer\":{{\"id\":\"{customer}\"}},\"amountCents\":10000,\"receiptNumber\":\"{receipt}\",\"occurredAt\":\"{occurredAt}\"}}";

    [Fact]
    public async Task An_offset_like_Brazils_is_accepted_and_stored_as_UTC_through_the_API_and_the_operation()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();

        var created = await (await api.PostJsonAsync("/api/v1/purchases", Body(customer, "2026-03-02T08:30:00-03:00"))).JsonAsync(HttpStatusCode.Created);
        var stored = await t.WithDbAsync(db => db.Purchases.Where(p => p.Id == created.Id("id")).Select(p => p.OccurredAt).SingleAsync());
        stored.Should().Be(new DateTimeOffset(2026, 3, 2, 11, 30, 0, TimeSpan.Zero), "08:30 at -03:00 is 11:30 UTC");
        stored.Offset.Should().Be(TimeSpan.Zero);

        // The counter, the import and the seed call the operation: it normalizes too.
        var direct = await t.BuyAsync(customer, 50_00, occurredAt: new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.FromHours(+2)));
        direct.OccurredAt.Should().Be(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
        direct.OccurredAt.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public async Task OccurredAt_in_the_future_or_beyond_the_backdating_window_is_refused_naming_occurredAt_and_writes_nothing()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var now = Clock.Now;
        string Iso(DateTimeOffset at) => at.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

        var refused = new (string What, string Value, HttpStatusCode Status)[]
        {
            ("year 9999", "9999-12-31T23:59:59Z", HttpStatusCode.UnprocessableEntity),
            ("year 1 at -03:00", "0001-01-01T00:00:00-03:00", HttpStatusCode.UnprocessableEntity),
            ("year 1 in UTC", "0001-01-01T00:00:00Z", HttpStatusCode.UnprocessableEntity),
            ("year 1 at +03:00 (before year 1 in UTC)", "0001-01-01T00:00:00+03:00", HttpStatusCode.BadRequest),
            ("10 minutes ahead", Iso(now.AddMinutes(10).ToOffset(TimeSpan.FromHours(-3))), HttpStatusCode.UnprocessableEntity),
            ("8 days back", Iso(now.AddDays(-8)), HttpStatusCode.UnprocessableEntity),
            ("400 days back", Iso(now.AddDays(-400)), HttpStatusCode.UnprocessableEntity),
            ("73 hours back", Iso(now.AddHours(-73)), HttpStatusCode.UnprocessableEntity),
            ("not a date", "2026-13-45T99:00:00Z", HttpStatusCode.BadRequest),
            ("a date without a time", "yesterday", HttpStatusCode.BadRequest),
        };
        var before = await t.RowCountsAsync();
        using (new AssertionScope())
        {
            foreach (var (what, value, status) in refused)
            {
                var problem = await (await api.PostJsonAsync("/api/v1/purchases", Body(customer, value))).ProblemAsync(status, "occurredAt");
                if (what == "8 days back") problem.GetProperty("detail").GetString().Should().Contain("72 hours", "the message states the window");
            }
        }
        (await t.RowCountsAsync()).Should().Be(before, "a refused purchase writes nothing");

        (await api.PostJsonAsync("/api/v1/purchases", Body(customer, Iso(now.AddMinutes(4)), "T-2"))).StatusCode.Should().Be(HttpStatusCode.Created, "4 minutes of clock skew are allowed");
        (await api.PostJsonAsync("/api/v1/purchases", Body(customer, Iso(now.AddHours(-71)), "T-3"))).StatusCode.Should().Be(HttpStatusCode.Created, "71 hours back is inside the default window");

        // The owner's window (here 10 days) moves the bound; it can never exceed 90 days.
        await t.SetBackdatingWindowAsync(240);
        (await api.PostJsonAsync("/api/v1/purchases", Body(customer, Iso(now.AddDays(-8)), "T-4"))).StatusCode.Should().Be(HttpStatusCode.Created);
        await (await api.PostJsonAsync("/api/v1/purchases", Body(customer, Iso(now.AddDays(-11)), "T-5"))).ProblemAsync(HttpStatusCode.UnprocessableEntity, "occurredAt");
        var tooWide = async () => await t.SetBackdatingWindowAsync(24 * 91);
        (await tooWide.Should().ThrowAsync<Smartbis.Web.Infrastructure.OperationFailed>()).Which.Errors.Should().ContainKey("backdatingWindowHours");
    }

    [Fact]
    public async Task Birth_dates_with_extreme_years_offsets_or_times_are_refused_naming_birthDate()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var before = await t.RowCountsAsync();
        using (new AssertionScope())
        {
            foreach (var (value, status) in new[]
                     {
                         ("0001-01-01", HttpStatusCode.UnprocessableEntity), ("1899-12-31", HttpStatusCode.UnprocessableEntity),
                         ("9999-12-31", HttpStatusCode.UnprocessableEntity), ("2026-03-03", HttpStatusCode.UnprocessableEntity),
                         ("0000-01-01", HttpStatusCode.BadRequest), ("1990-05-17T00:00:00-03:00", HttpStatusCode.BadRequest),
                         ("1990-02-30", HttpStatusCode.BadRequest), ("17/05/1990", HttpStatusCode.BadRequest),
                     })
            {
                var body = $"{{\"name\":\"A\",\"phone\":\"{LedgerTestKit.NewPhone()}\",\"birthDate\":\"{value}\"}}";
                await (await api.PostJsonAsync("/api/v1/customers", body)).ProblemAsync(status, "birthDate");
            }
        }
        (await t.RowCountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task Backdating_never_makes_cashback_available_or_expire_sooner()
    {
        var t = await NewTenantAsync(SampleRules.Velluto()); // 7 days pending, 90 days expiry
        await t.SetBackdatingWindowAsync(240);
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var now = Clock.Now;

        var eightDaysBack = await (await api.PostJsonAsync("/api/v1/purchases",
            Body(customer, now.AddDays(-8).ToString("O", System.Globalization.CultureInfo.InvariantCulture)))).JsonAsync(HttpStatusCode.Created);
        eightDaysBack.GetProperty("earnedStatus").GetString().Should().Be("pending", "the 7 pending days run from the recording, not from 8 days ago");
        eightDaysBack.GetProperty("availableAt").GetDateTimeOffset().Should().Be(now.AddDays(7));
        (await t.BalancesAsync(customer)).AvailableCents.Should().Be(0);

        var twoDaysBack = await t.BuyAsync(customer, 100_00, occurredAt: now.AddDays(-2));
        twoDaysBack.AvailableAt.Should().Be(now.AddDays(7), "not occurredAt + 7 days (5 days from now)");
        twoDaysBack.ExpiresAt.Should().Be(now.AddDays(7 + 90), "expiry counts from availability");

        // Nothing is released before the pending period of the recording has passed.
        Clock.Advance(TimeSpan.FromDays(6));
        await t.ReleaseAsync();
        (await t.BalancesAsync(customer)).AvailableCents.Should().Be(0);
        Clock.Advance(TimeSpan.FromDays(1));
        await t.ReleaseAsync();
        (await t.BalancesAsync(customer)).AvailableCents.Should().Be(5_00 + 5_00);
    }

    [Fact]
    public async Task A_purchase_recorded_more_than_an_hour_after_it_happened_is_flagged_for_managers()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var api = Fixture.ApiClient(await t.CreateKeyAsync(t.StoreId));
        var customer = await t.EnrollAsync();
        var now = Clock.Now;

        await (await api.PostJsonAsync("/api/v1/purchases", Body(customer, now.AddMinutes(-30).ToString("O"), "L-0"))).JsonAsync(HttpStatusCode.Created);
        (await t.WithDbAsync(db => db.AnomalyFlags.CountAsync())).Should().Be(0, "half an hour late is a till's ordinary delay");

        var late = await (await api.PostJsonAsync("/api/v1/purchases", Body(customer, now.AddHours(-26).ToString("O"), "L-1"))).JsonAsync(HttpStatusCode.Created);
        var later = await t.BuyAsync(customer, 20_00, occurredAt: now.AddHours(-3));

        var flags = await t.WithDbAsync(db => db.AnomalyFlags.AsNoTracking().ToListAsync());
        flags.Should().ContainSingle("one open flag per store gathers the backdated purchases");
        var flag = flags[0];
        flag.Kind.Should().Be(AnomalyKind.Backdated);
        flag.StoreId.Should().Be(t.StoreId);
        flag.Occurrences.Should().Be(2);
        var evidence = flag.Evidence.Deserialize<List<DetectAnomalies.Evidence>>(System.Text.Json.JsonSerializerOptions.Web)!;
        evidence.Select(e => e.PurchaseId).Should().BeEquivalentTo([later.PurchaseId, late.Id("id")]);
        evidence.Single(e => e.PurchaseId == late.Id("id")).OccurredAt.Should().Be(now.AddHours(-26));
    }
}
