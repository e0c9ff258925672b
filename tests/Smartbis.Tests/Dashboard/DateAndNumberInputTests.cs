using System.Net;
using FluentAssertions.Execution;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Counter;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Dashboard;

/// <summary>
/// Issue 14, items 3 and 4 on the forms: dates in the dashboard's filters (overview, liability report, audit log) and money
/// or numbers typed at the counter and in the fraud settings — extreme years, malformed values, numbers past 64 bits or past
/// decimal — get the page back (200) with a message beside the field, never a 500, and change nothing.
/// </summary>
public sealed class DateAndNumberInputTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Date_filters_with_extreme_years_or_malformed_values_answer_the_page_with_a_field_message()
    {
        var kit = await CounterKit.CreateAsync(fixture, "dates-shop");
        using var owner = await kit.SignInAsync(kit.Tenant.Owner);
        var pages = new[] { "/app?range=custom&", "/app/reports/liability?", "/app/audit?", "/app/reports/liability?handler=Csv&" };
        var bad = new[]
        {
            "from=9999-12-01&to=9999-12-31", "from=0001-01-01&to=0001-01-31", "from=9999-12-31&to=9999-12-31", "from=0001-01-01&to=9999-12-31",
            "from=abc&to=2026-01-01", "from=2026-02-30&to=2026-03-01", "from=1e9&to=-1", "from=2026-03-01T00:00:00-03:00&to=2026-03-02",
            "from=2026-03-10&to=2026-03-01",
        };
        using (new AssertionScope())
        {
            foreach (var page in pages)
                foreach (var query in bad)
                {
                    using var response = await owner.GetAsync(page + query);
                    var html = await CounterKit.TextAsync(response);
                    response.StatusCode.Should().Be(HttpStatusCode.OK, "{0}{1}: {2}", page, query, html.Length > 300 ? html[..300] : html);
                    if (page.Contains("handler=Csv")) continue; // the export falls back to the default range
                    (html.Contains("Informe uma data entre") || html.Contains("A data final deve ser")).Should().BeTrue("{0}{1} names the bad date beside its field", page, query);
                }
            using var far = await owner.GetAsync("/app/audit?p=2147483647");
            far.StatusCode.Should().Be(HttpStatusCode.OK, "a page number near int.MaxValue must not overflow the offset");
        }
    }

    [Fact]
    public async Task Amounts_typed_at_the_counter_that_are_not_money_get_a_field_message_and_record_nothing()
    {
        var kit = await CounterKit.CreateAsync(fixture, "money-shop");
        var (customer, _) = await kit.EnrollAsync();
        using var cashier = await kit.SignInAsync(kit.Tenant.Cashier);
        using (new AssertionScope())
        {
            foreach (var amount in new[] { "1e9", "99999999999999999999", "79228162514264337593543950336", "-5,00", "abc", "1.0.0,5", "0", "12.50", "" })
            {
                using var response = await CounterKit.PostPurchaseAsync(cashier, customer, amount);
                var html = await CounterKit.TextAsync(response);
                response.StatusCode.Should().Be(HttpStatusCode.OK, "amount {0}", amount);
                html.Should().Contain("field-validation-error", "amount {0} gets a message beside the field", amount);
            }
            (await kit.PurchaseCountAsync(customer)).Should().Be(0, "no refused amount was recorded");
        }
        // A thousands separator the Brazilian way is money.
        using var ok = await CounterKit.PostPurchaseAsync(cashier, customer, "1.000,50");
        ok.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await kit.DbAsync(db => db.Purchases.Where(p => p.CustomerId == customer).Select(p => p.AmountCents).SingleAsync())).Should().Be(1_000_50);
    }

    private static Dictionary<string, string> Settings(string refundRate = "20", string window = "72") => new()
    {
        ["Settings.LargeRedemption"] = "50,00", ["Settings.CodeValidityMinutes"] = "10", ["Settings.BurstPurchases"] = "4",
        ["Settings.BurstWindowMinutes"] = "60", ["Settings.FlagOwnAccount"] = "true", ["Settings.RefundRatePercent"] = refundRate,
        ["Settings.RefundRateMinPurchases"] = "10", ["Settings.RefundRateWindowDays"] = "30", ["Settings.BackdatingWindowHours"] = window,
    };

    [Fact]
    public async Task The_owner_sets_the_backdating_window_beside_the_fraud_settings_and_out_of_range_numbers_are_field_errors()
    {
        var kit = await CounterKit.CreateAsync(fixture, "window-shop");
        using var owner = await kit.SignInAsync(kit.Tenant.Owner);
        Task<int?> WindowAsync() => kit.DbAsync(db => db.CounterSettings.Select(s => (int?)s.BackdatingWindowHours).SingleOrDefaultAsync());

        using (new AssertionScope())
        {
            foreach (var (rate, window, what) in new[]
                     {
                         ("79228162514264337593543950335", "72", "a refund rate at decimal's maximum (× 100 overflowed: 500)"),
                         ("1e30", "72", "a refund rate in exponent form"), ("20", "99999", "a window beyond 90 days"),
                         ("20", "0", "a window of 0 hours"), ("20", "99999999999", "a window beyond 32 bits"), ("20", "abc", "a window that is not a number"),
                     })
            {
                using var response = await owner.SubmitAsync("/app/anomalies", Settings(rate, window), "/app/anomalies?handler=Settings");
                var html = await CounterKit.TextAsync(response);
                response.StatusCode.Should().Be(HttpStatusCode.OK, what);
                html.Should().Contain("field-validation-error", what);
            }
            (await WindowAsync()).Should().BeNull("nothing was saved");
        }

        using (var saved = await owner.SubmitAsync("/app/anomalies", Settings(window: "240"), "/app/anomalies?handler=Settings"))
            saved.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await WindowAsync()).Should().Be(240);
        (await owner.GetPageAsync("/app/anomalies")).Should().Contain("value=\"240\"");

        // A manager sees the window but cannot change it: a forged value is ignored, the other thresholds are saved.
        using var manager = await kit.SignInAsync(kit.Tenant.Manager);
        using (var forged = await manager.SubmitAsync("/app/anomalies", Settings(window: "2000"), "/app/anomalies?handler=Settings"))
            forged.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await WindowAsync()).Should().Be(240);
    }
}
