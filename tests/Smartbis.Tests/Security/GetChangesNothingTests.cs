using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using FluentAssertions.Execution;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

public sealed class GetChangesNothingFixture : DatabaseFixture
{
    protected override void ConfigureSettings(IDictionary<string, string?> settings) =>
        settings["Smartbis:Operators"] = "owner@readonly-a.test";
}

/// <summary>
/// No GET changes state: every GET page handler and every GET endpoint, enumerated from the running app and called
/// with its parameters filled with real values, leaves every row of every table as it was, except the columns
/// listed in <see cref="ChangesOnRead"/>, each with the reason it legitimately changes on a read.
/// </summary>
public sealed partial class GetChangesNothingTests(GetChangesNothingFixture fixture) : IClassFixture<GetChangesNothingFixture>
{
    /// <summary>What may change on a read, and why. Anything else that changes fails the test.</summary>
    private static readonly Dictionary<string, string> ChangesOnRead = new()
    {
        ["api_keys.last_used_at"] = "the audit of when an API key was last used (written at most once a minute per key)",
        ["usage_months.api_calls"] = "metering: API calls are counted per tenant and month for invoicing (UsageMeter, written in batches)",
    };

    /// <summary>Whole tables that a read may write, and why.</summary>
    private static readonly Dictionary<string, string> TablesChangedOnRead = new()
    {
        ["daily_stats"] = "a cache of daily figures derived from the ledger, brought up to date when the liability report is read (and the overview, when the roll-up job is late); holds no fact of its own",
        ["daily_buyers"] = "part of the same cache (purchases per day by the day of the customer's previous purchase), written with daily_stats",
        ["stats_watermarks"] = "how far that cache has been computed",
        ["result_cohorts"] = "the results page's cache (members per month of joining and group, as running sums), recomputed when the nightly job is late; no fact of its own",
        ["result_cohort_months"] = "part of the same cache (retention by month of joining)",
        ["result_months"] = "part of the same cache (identified vs walk-in purchases per month)",
        ["results_watermarks"] = "when that cache was computed",
    };

    /// <summary>Rows a read may add (table → SQL condition on them), and why.</summary>
    private static readonly Dictionary<string, string> RowsAddedOnRead = new()
    {
        // LGPD accountability: who downloaded customers' data, and when, is itself recorded.
        ["audit_entries"] = "action IN ('customers.exported', 'report.exported', 'results.exported')",
    };

    [Fact]
    public async Task No_get_handler_or_endpoint_changes_the_database()
    {
        var a = await SecurityKit.SeedAsync(fixture, "readonly-a");
        var b = await SecurityKit.SeedAsync(fixture, "readonly-b");
        var rewards = await SecurityKit.SeedRewardsAsync(fixture, a);
        var urls = Urls(a, rewards);

        var gets = GetRoutes().ToList();
        gets.Should().Contain(["/app/customers/{id:guid}", "/api/v1/customers/{id:guid}", "/{tenant}/home"]);
        gets.Where(r => !urls.ContainsKey(r)).Should().BeEmpty("every GET route needs URLs to call it with (add them to Urls)");
        urls.Keys.Where(r => !gets.Contains(r)).Should().BeEmpty("every route in Urls must still exist");

        var staff = fixture.CreateFormClient();
        (await staff.SignInAsync(a.T.Owner.Email, a.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var token = FormClient.FindAntiforgeryToken(await staff.GetPageAsync("/app/staff"));
        (await staff.PostAsync("/counter?handler=Store", [new("storeId", a.StoreId.ToString())], token)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var portal = await SecurityKit.PortalClientAsync(fixture, a);
        var api = fixture.Factory.ApiClient(a.ApiKey);
        // Warm up once (first-use caches, the key's last-used time), then compare a second full round.
        foreach (var (_, list) in urls) foreach (var (who, url) in list) await CallAsync(who, url);
        // The seeds' purchases are counted in memory and written every 30 s: written now, not in the middle of the GETs.
        await fixture.Factory.Services.GetRequiredService<Web.Features.Plans.UsageMeter>().FlushAsync();

        var before = await DbSnapshot.OfDatabaseAsync(fixture, TablesChangedOnRead, ChangesOnRead, ignoredRows: RowsAddedOnRead);
        before["customers"].Rows.Should().BeGreaterThan(1, "the snapshot must see the tenants' rows");
        var calls = 0;
        using (new AssertionScope())
        {
            foreach (var (route, list) in urls)
                foreach (var (who, url) in list)
                {
                    var status = await CallAsync(who, url);
                    if (url != "/error/500") ((int)status).Should().BeLessThan(500, "GET {0} ({1}) must not fail", url, route);
                    calls++;
                }
        }
        var after = await DbSnapshot.OfDatabaseAsync(fixture, TablesChangedOnRead, ChangesOnRead, ignoredRows: RowsAddedOnRead);
        DbSnapshot.Differences(before, after).Should().BeEmpty("{0} GET requests must change nothing", calls);
        calls.Should().BeGreaterThan(40);
        _ = b;

        async Task<HttpStatusCode> CallAsync(Who who, string url)
        {
            using var r = who switch
            {
                Who.Staff => await staff.GetAsync(url),
                Who.Member => await portal.GetAsync(url),
                Who.Api => await api.GetAsync(url),
                _ => await fixture.Factory.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }).GetAsync(url),
            };
            await r.Content.ReadAsByteArrayAsync();
            return r.StatusCode;
        }
    }

    private enum Who { Anonymous, Staff, Member, Api }

    /// <summary>For each GET route template, the URLs that call it with real values (and who calls).</summary>
    private static Dictionary<string, List<(Who, string)>> Urls(SeededTenant a, SeededRewards r)
    {
        var s = a.Slug;
        var u = new Dictionary<string, List<(Who, string)>>();
        void Add(string route, Who who, params string[] urls) => (u.TryGetValue(route, out var l) ? l : u[route] = []).AddRange(urls.Select(x => (who, x)));

        Add("/", Who.Anonymous, "/");
        Add("/account/signin", Who.Anonymous, "/account/signin");
        Add("/account/signout", Who.Staff, "/account/signout");
        Add("/account/language", Who.Staff, "/account/language");
        Add("/admin", Who.Staff, "/admin", "/admin?q=readonly&p=2", "/admin?q=owner%40readonly-a.test");
        Add("/admin/tenants/{id:guid}", Who.Staff, $"/admin/tenants/{a.Id}");
        Add("/admin/metrics", Who.Staff, "/admin/metrics", "/admin/metrics?days=90");
        Add("/admin/plans", Who.Staff, "/admin/plans", "/admin/plans?saved=free");
        Add("/admin/upgrades", Who.Staff, "/admin/upgrades", "/admin/upgrades?done=approved");
        Add("/admin/usage", Who.Staff, "/admin/usage", "/admin/usage?month=2026-01", "/admin/usage?handler=Csv&month=2026-01");
        Add("/plans", Who.Anonymous, "/plans");
        Add("/app/plan", Who.Staff, "/app/plan", "/app/plan?requested=1");
        Add("/admin/mailbox", Who.Staff, "/admin/mailbox", "/admin/mailbox?id=none");
        Add("/admin/jobs/{**path}", Who.Staff, "/admin/jobs", "/admin/jobs/jobs/succeeded");
        Add("/App", Who.Staff, "/app", $"/app?range=7d&store={a.StoreId}", "/app?from=2026-01-01&to=2026-12-31");
        Add("/app/anomalies", Who.Staff, "/app/anomalies");
        Add("/app/audit", Who.Staff, "/app/audit", "/app/audit?area=customer&p=2");
        Add("/app/automations", Who.Staff, "/app/automations");
        Add("/app/automations/log", Who.Staff, "/app/automations/log", "/app/automations/log?problems=true&trigger=cashback_earned");
        Add("/app/automations/settings", Who.Staff, "/app/automations/settings");
        Add("/app/automations/template", Who.Staff, "/app/automations/template", "/app/automations/template?trigger=welcome&channel=WhatsApp&locale=en");
        Add("/app/customers/{id:guid}", Who.Staff, $"/app/customers/{a.CustomerId}");
        Add("/app/customers/export", Who.Staff, "/app/customers/export", "/app/customers/export?q=member");
        Add("/app/customers/import", Who.Staff, "/app/customers/import");
        Add("/app/customers", Who.Staff, "/app/customers", "/app/customers?q=member&sort=balance&p=1", $"/app/customers?q={Uri.EscapeDataString(a.Phone)}",
            $"/app/customers?segment=New&tag={a.TagId}");
        Add("/app/integrations", Who.Staff, "/app/integrations");
        Add("/app/reports/liability", Who.Staff, "/app/reports/liability", "/app/reports/liability?handler=Csv");
        Add("/app/program", Who.Staff, "/app/program");
        Add("/app/results", Who.Staff, "/app/results", "/app/results?from=2026-01&to=2026-12", "/app/results?from=bad&to=2099-01", "/app/results?handler=Csv");
        Add("/app/results/print", Who.Staff, "/app/results/print", "/app/results/print?from=2026-06&to=2026-06");
        Add("/app/results/settings", Who.Staff, "/app/results/settings", "/app/results/settings?saved=true");
        Add("/app/settings", Who.Staff, "/app/settings");
        Add("/app/staff", Who.Staff, "/app/staff");
        Add("/app/stores/{id}", Who.Staff, $"/app/stores/{a.StoreId}", "/app/stores/new");
        Add("/app/stores", Who.Staff, "/app/stores");
        Add("/app/categories", Who.Staff, "/app/categories");
        Add("/app/tiers", Who.Staff, "/app/tiers");
        Add("/app/challenges", Who.Staff, "/app/challenges");
        Add("/app/challenges/{id}", Who.Staff, "/app/challenges/new", $"/app/challenges/{a.ChallengeId}");
        Add("/app/segments", Who.Staff, "/app/segments", "/app/segments?done=saved");
        Add("/app/campaigns", Who.Staff, "/app/campaigns");
        Add("/app/campaigns/new", Who.Staff, "/app/campaigns/new");
        Add("/app/campaigns/{id:guid}", Who.Staff, $"/app/campaigns/{a.CampaignId}", $"/app/campaigns/{a.CampaignId}?done=launched");
        Add("/app/campaigns/{id:guid}/edit", Who.Staff, $"/app/campaigns/{a.CampaignId}/edit");
        Add("/app/switch", Who.Staff, "/app/switch");
        Add("/app/welcome", Who.Staff, "/app/welcome");
        Add("/counter", Who.Staff, "/counter", $"/counter?q={Uri.EscapeDataString(a.Phone)}", $"/counter?q={a.CardCode}", $"/counter?q={a.VoucherCode}",
            $"/counter?q={a.Cpf}", $"/counter?c={a.CustomerId}", "/counter?enrol=true&walkin=11987654321", "/counter?choose=true",
            $"/counter?handler=MaxCashback&c={a.CustomerId}&amount=10,00");
        Add("/app/rewards", Who.Staff, "/app/rewards", "/app/rewards?done=saved");
        Add("/app/rewards/{id}", Who.Staff, "/app/rewards/new", $"/app/rewards/{r.RewardId}");
        Add("/counter/rewards", Who.Staff, "/counter/rewards", $"/counter/rewards?c={a.CustomerId}", $"/counter/rewards?c={a.CustomerId}&r={r.RewardId}",
            $"/counter/rewards?c={a.CustomerId}&claim={r.ClaimId}", $"/counter/rewards?c={a.CustomerId}&delivered={Uri.EscapeDataString(r.RewardName)}");
        Add("/counter/receipt/{id:guid}", Who.Staff, $"/counter/receipt/{a.PurchaseId}");
        Add("/counter/refund/{id:guid}", Who.Staff, $"/counter/refund/{a.PurchaseId}");
        Add("/error/{code:int}", Who.Anonymous, "/error/404", "/error/500");
        // The WhatsApp webhook's GET is Meta's verification handshake: it answers (or refuses) the challenge, nothing more.
        Add("/webhooks/whatsapp", Who.Anonymous, "/webhooks/whatsapp", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42");
        Add("/{tenant}", Who.Anonymous, $"/{s}", $"/{s}?ref={a.ReferralCode}");
        Add("/{tenant}/join", Who.Anonymous, $"/{s}/join", $"/{s}/join?ref={a.ReferralCode}");
        Add("/{tenant}/signin", Who.Anonymous, $"/{s}/signin");
        Add("/{tenant}/signout", Who.Member, $"/{s}/signout");
        Add("/{tenant}/home", Who.Member, $"/{s}/home");
        Add("/{tenant}/manifest.webmanifest", Who.Anonymous, $"/{s}/manifest.webmanifest");
        Add("/{tenant}/sw.js", Who.Anonymous, $"/{s}/sw.js");
        Add("/{tenant}/icon.svg", Who.Anonymous, $"/{s}/icon.svg");
        Add("/{tenant}/preferences", Who.Member, $"/{s}/preferences", $"/{s}/preferences?handler=Download");
        Add("/{tenant}/rewards", Who.Member, $"/{s}/rewards", $"/{s}/rewards?confirm={r.RewardId}");
        Add("/{tenant}/rewards/mine", Who.Member, $"/{s}/rewards/mine", $"/{s}/rewards/mine?claim={r.ClaimId}");
        Add("/{tenant}/referrals", Who.Member, $"/{s}/referrals");
        Add("/signup", Who.Anonymous, "/signup", "/signup?handler=CheckSlug&slug=" + s, "/signup?handler=CheckSlug&slug=free-slug");
        // Tokens: a well-formed but unknown one (the real ones are mailed and only their hash is stored).
        Add("/signup/invite/{token}", Who.Anonymous, "/signup/invite/" + new string('a', 43));
        Add("/unsubscribe/{token}", Who.Anonymous, "/unsubscribe/not-a-real-token");
        Add("/health/live", Who.Anonymous, "/health/live");
        Add("/health/ready", Who.Anonymous, "/health/ready");
        Add("/openapi/{documentName}.json", Who.Anonymous, "/openapi/v1.json");
        Add("/api/docs/{documentName?}", Who.Anonymous, "/api/docs", "/api/docs/v1");
        Add("/api/docs/scalar.js", Who.Anonymous, "/api/docs/scalar.js");
        Add("/api/docs/scalar.aspnetcore.js", Who.Anonymous, "/api/docs/scalar.aspnetcore.js");
        Add("/api/docs/favicon.svg", Who.Anonymous, "/api/docs/favicon.svg");
        Add("/api/v1/customers/lookup", Who.Api, $"/api/v1/customers/lookup?phone={Uri.EscapeDataString(a.Phone)}", $"/api/v1/customers/lookup?cardCode={a.CardCode}",
            $"/api/v1/customers/lookup?email={a.Email}", $"/api/v1/customers/lookup?cpf={a.Cpf}");
        Add("/api/v1/customers/{id:guid}", Who.Api, $"/api/v1/customers/{a.CustomerId}");
        Add("/api/v1/customers/{id:guid}/entries", Who.Api, $"/api/v1/customers/{a.CustomerId}/entries", $"/api/v1/customers/{a.CustomerId}/entries?limit=1");
        Add("/api/v1/vouchers/{code}", Who.Api, $"/api/v1/vouchers/{a.VoucherCode}");
        Add("/api/v1/program", Who.Api, "/api/v1/program");
        Add("/api/v1/rewards", Who.Api, "/api/v1/rewards");
        return u;
    }

    /// <summary>The route template of every GET page handler and every GET endpoint of the running app.</summary>
    private IEnumerable<string> GetRoutes()
    {
        var pages = fixture.Factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>()
            .ActionDescriptors.Items.OfType<PageActionDescriptor>().Where(p => p.AttributeRouteInfo?.Template is not null);
        var assembly = typeof(Program).Assembly;
        foreach (var page in pages.GroupBy(p => p.RelativePath).Select(g => g.OrderBy(p => p.AttributeRouteInfo!.Template!.Length).First()))
        {
            var model = assembly.GetType("Smartbis.Web" + page.RelativePath[..^".cshtml".Length].Replace('/', '.') + "Model");
            var hasGet = model is null || !typeof(PageModel).IsAssignableFrom(model)
                         || model.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Any(m => GetHandler().IsMatch(m.Name))
                         || !model.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Any(m => m.Name.StartsWith("On", StringComparison.Ordinal));
            if (hasGet) yield return "/" + page.AttributeRouteInfo!.Template;
        }
        foreach (var e in fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (e.Metadata.GetMetadata<ActionDescriptor>() is not null) continue;
            var methods = e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            if (methods is null || methods.Contains("GET")) yield return e.RoutePattern.RawText!.StartsWith('/') ? e.RoutePattern.RawText : "/" + e.RoutePattern.RawText;
        }
    }

    [GeneratedRegex(@"^OnGet\w*$")]
    private static partial Regex GetHandler();
}
