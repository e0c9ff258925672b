using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Integrations;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Features.Vouchers;

// bench/run.sh drives this tool; each command prints tab-separated result lines ("name<TAB>value…") on stdout.
//   setup    <cs> <state.json> <stores> <smallTenants>   the large tenant (owner, stores, rules, API key) and the small ones
//   sessions <baseUrl> <state.json> <cs> <outDir>         staff and portal cookies + an antiforgery token for wrk
//   overview <baseUrl> <outDir> <state.json> <runs>       server time of the overview page for three ranges
//   jobs     <cs> <state.json> <smtpPort> <capSeconds>    the nightly jobs over the large tenant, timed (each stopped at the cap)
//   results  <cs> <baseUrl> <outDir> <state.json> <runs>  a 10% control group on the large tenant, the nightly results roll-up
//                                                         timed, then the server time of /app/results (default, 12 months, print)
//   deliver  <cs> <state.json> <smtpPort> <count> <cap>   queues <count> emails and times their delivery (stopped at the cap)
//   segments <cs> <state.json> <capSeconds>               RFM assignment (first and steady-state run), segment counts, a campaign's
//                                                         preview, planning (recipients + holdout) and its messages, each timed
internal static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.ElementAtOrDefault(0) ?? "";
        return command switch
        {
            "setup" => await Bench.SetupAsync(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture)),
            "sessions" => await Bench.SessionsAsync(args[1], args[2], args[3], args[4]),
            "overview" => await Bench.OverviewAsync(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture)),
            "results" => await Bench.ResultsAsync(args[1], args[2], args[3], args[4], int.Parse(args[5], CultureInfo.InvariantCulture)),
            "jobs" => await Bench.JobsAsync(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture)),
            "segments" => await Bench.SegmentsAsync(args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture)),
            "deliver" => await Bench.DeliverAsync(args[1], args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture), int.Parse(args[5], CultureInfo.InvariantCulture)),
            _ => Bench.Usage(),
        };
    }
}

internal sealed record State(Guid TenantId, string Slug, List<Guid> StoreIds, string ApiKey, string OwnerEmail, string OwnerPassword, List<Guid> SmallTenantIds);

internal static class Bench
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static int Usage()
    {
        Console.Error.WriteLine("usage: Smartbis.Bench.Tool setup|sessions|overview|jobs|deliver|segments … (see bench/README.md)");
        return 2;
    }

    /// <summary>The app's services on the bench database, without Kestrel, Hangfire workers or recurring jobs.</summary>
    private static WebApplicationFactory<Program> App(string cs, string smtpPort = "2525") =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseContentRoot(AppDirectory());
            b.UseSetting("ConnectionStrings:Smartbis", cs);
            b.UseSetting("Smartbis:Hangfire:Workers", "0");
            b.UseSetting("Smartbis:Automations:Recurring", "false");
            b.UseSetting("Smartbis:MigrateOnStart", "false");
            b.UseSetting("Smartbis:Smtp:Host", "127.0.0.1");
            b.UseSetting("Smartbis:Smtp:Port", smtpPort);
            b.UseSetting("Smartbis:Smtp:Security", "None");
            b.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        });

    /// <summary>src/Smartbis.Web of the checkout this tool runs from (the app's content root).</summary>
    private static string AppDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Smartbis.sln"))) return Path.Combine(dir.FullName, "src", "Smartbis.Web");
        throw new InvalidOperationException("Run the tool from a Smartbis checkout (Smartbis.sln not found above it).");
    }

    public static async Task<int> SetupAsync(string cs, string statePath, int storeCount, int smallTenants)
    {
        await using var app = App(cs);
        var now = DateTimeOffset.UtcNow;
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<SmartbisDb>();
        var users = sp.GetRequiredService<UserManager<AppUser>>();

        var tenant = new Tenant { Slug = "bench", Name = "Bench Farmácias", CurrencyName = "Cashback", CreatedAt = now.AddYears(-1).AddDays(-10), PlanCode = "pro" };
        db.Tenants.Add(tenant);
        db.Tenant.Set(tenant.Id, tenant.Slug);
        var stores = Enumerable.Range(1, storeCount).Select(i => new Store { Name = $"Loja {i:D2}", CreatedAt = tenant.CreatedAt }).ToList();
        db.Stores.AddRange(stores);
        const string email = "owner@bench.example", password = "bench-owner-password-2026";
        var owner = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Bench Owner" };
        var created = await users.CreateAsync(owner, password);
        if (!created.Succeeded) throw new InvalidOperationException(string.Join("; ", created.Errors.Select(e => e.Description)));
        db.Memberships.Add(new Membership { UserId = owner.Id, Role = StaffRole.Owner, CreatedAt = now });
        await db.SaveChangesAsync();
        // Velluto's program (PRODUCT.md): 5%, prescriptions excluded, 7 days pending, 90 days to expire, R$ 20 vouchers.
        await new SaveProgramRules(db, TimeProvider.System).ExecuteAsync(new ProgramRules
        {
            EarnRateBps = 500, PendingDays = 7, ExpiryDays = 90, ExcludedCategories = ["prescription"],
            VoucherMode = VoucherMode.Threshold, VoucherThresholdCents = 20_00, VoucherValidityDays = 30,
            Boosts = [new Boost { Name = "Terça em dobro", RateBps = 1000, Weekdays = [DayOfWeek.Tuesday] }],
        }, owner.Id, tenant.CreatedAt);
        var secret = ApiKey.NewSecret();
        db.ApiKeys.Add(new ApiKey { Name = "bench", Prefix = secret[..12], KeyHash = ApiKey.Hash(secret), StoreId = stores[0].Id, CreatedAt = now });
        await db.SaveChangesAsync();

        var small = new List<Guid>();
        for (var i = 1; i <= smallTenants; i++)
        {
            await using var s = app.Services.CreateAsyncScope();
            var sdb = s.ServiceProvider.GetRequiredService<SmartbisDb>();
            var t = new Tenant { Slug = $"small-{i:D3}", Name = $"Pequena {i:D3}", CurrencyName = "Cashback", CreatedAt = tenant.CreatedAt, PlanCode = "growth" };
            sdb.Tenants.Add(t);
            sdb.Tenant.Set(t.Id, t.Slug);
            sdb.Stores.Add(new Store { Name = $"Pequena {i:D3}", CreatedAt = t.CreatedAt });
            await sdb.SaveChangesAsync();
            await new SaveProgramRules(sdb, TimeProvider.System).ExecuteAsync(
                new ProgramRules { EarnRateBps = 500, PendingDays = 7, ExpiryDays = 180 }, null, t.CreatedAt);
            small.Add(t.Id);
        }

        var state = new State(tenant.Id, tenant.Slug, stores.Select(s => s.Id).ToList(), secret, email, password, small);
        await File.WriteAllTextAsync(statePath, JsonSerializer.Serialize(state, Json));
        Console.WriteLine($"tenant\t{tenant.Id}");
        return 0;
    }

    private static State Load(string path) => JsonSerializer.Deserialize<State>(File.ReadAllText(path), Json)!;

    /// <summary>
    /// A client that keeps cookies by hand: the app runs as in production (Secure cookies) behind a TLS proxy, which
    /// X-Forwarded-Proto: https stands for on loopback, so the cookie container's "https only" rule must not apply.
    /// </summary>
    private sealed class Browser(string baseUrl) : IDisposable
    {
        private readonly HttpClient http = new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
        public readonly Dictionary<string, string> Cookies = new();

        public async Task<(HttpStatusCode Status, string Body, string? Location)> SendAsync(HttpMethod method, string path, Dictionary<string, string>? form = null)
        {
            using var req = new HttpRequestMessage(method, path);
            req.Headers.Add("X-Forwarded-Proto", "https");
            if (Cookies.Count > 0) req.Headers.Add("Cookie", CookieHeader);
            if (form is not null) req.Content = new FormUrlEncodedContent(form);
            using var res = await http.SendAsync(req);
            if (res.Headers.TryGetValues("Set-Cookie", out var set))
                foreach (var c in set)
                {
                    var pair = c.Split(';')[0];
                    var eq = pair.IndexOf('=');
                    Cookies[pair[..eq]] = pair[(eq + 1)..];
                }
            return (res.StatusCode, await res.Content.ReadAsStringAsync(), res.Headers.Location?.ToString());
        }

        public string CookieHeader => string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}"));

        public static string Token(string html) =>
            Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } t
                ? t
                : Regex.Match(html, "value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"").Groups[1].Value;

        public void Dispose() => http.Dispose();
    }

    public static async Task<int> SessionsAsync(string baseUrl, string statePath, string cs, string outDir)
    {
        var state = Load(statePath);
        Directory.CreateDirectory(outDir);

        // Staff: sign in as the owner, pick store 1 for the counter, keep a counter form's antiforgery token.
        using var staff = new Browser(baseUrl);
        var page = await staff.SendAsync(HttpMethod.Get, "/account/signin");
        var signIn = await staff.SendAsync(HttpMethod.Post, "/account/signin", new()
        {
            ["Input.Email"] = state.OwnerEmail, ["Input.Password"] = state.OwnerPassword, ["__RequestVerificationToken"] = Browser.Token(page.Body),
        });
        if (signIn.Status != HttpStatusCode.Redirect) throw new InvalidOperationException($"Staff sign-in failed: {signIn.Status}");
        var counter = await staff.SendAsync(HttpMethod.Get, "/counter");
        var chose = await staff.SendAsync(HttpMethod.Post, "/counter?handler=Store", new()
        {
            ["storeId"] = state.StoreIds[0].ToString(), ["__RequestVerificationToken"] = Browser.Token(counter.Body),
        });
        if (chose.Status != HttpStatusCode.Redirect) throw new InvalidOperationException($"Choosing the counter's store failed: {chose.Status}");
        counter = await staff.SendAsync(HttpMethod.Get, "/counter");
        if (counter.Status != HttpStatusCode.OK) throw new InvalidOperationException($"Counter page: {counter.Status}");
        await File.WriteAllTextAsync(Path.Combine(outDir, "staff.cookie"), staff.CookieHeader);
        await File.WriteAllTextAsync(Path.Combine(outDir, "staff.token"), Browser.Token(counter.Body));

        // Portal: a member signs in with a one-time code; the code row is written here with the app's own hash.
        // A typical member: the median buyer by number of purchases (ordering by card code picked member #1, the
        // tenant's heaviest buyer with 1% of all purchases and hundreds of live vouchers: a worst case, not a typical page).
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        Guid customerId; string customerEmail;
        await using (var cmd = new NpgsqlCommand("""
                         WITH buyers AS (SELECT customer_id, count(*) AS n FROM purchases WHERE tenant_id = @t GROUP BY customer_id)
                         SELECT c.id, c.email FROM buyers b JOIN customers c ON c.tenant_id = @t AND c.id = b.customer_id
                         WHERE c.email IS NOT NULL
                         ORDER BY b.n, c.card_code OFFSET (SELECT count(*) / 2 FROM buyers) LIMIT 1
                         """, conn))
        {
            cmd.Parameters.AddWithValue("t", state.TenantId);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            customerId = r.GetGuid(0);
            customerEmail = r.GetString(1);
        }
        await using (var cmd = new NpgsqlCommand("""
            INSERT INTO portal_sign_in_codes (tenant_id, id, customer_id, purpose, code_hash, sent_to, created_at, expires_at, attempts)
            VALUES (@t, @id, @c, 'SignIn', @h, 'bench', now(), now() + interval '10 minutes', 0)
            """, conn))
        {
            cmd.Parameters.AddWithValue("t", state.TenantId);
            cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
            cmd.Parameters.AddWithValue("c", customerId);
            cmd.Parameters.AddWithValue("h", Smartbis.Web.Features.Portal.SendSignInCode.Hash(state.TenantId, customerId, "123456"));
            await cmd.ExecuteNonQueryAsync();
        }
        using var member = new Browser(baseUrl);
        var portal = await member.SendAsync(HttpMethod.Get, $"/{state.Slug}/signin");
        var verified = await member.SendAsync(HttpMethod.Post, $"/{state.Slug}/signin?handler=Verify", new()
        {
            ["Identifier"] = customerEmail, ["Code"] = "123456", ["__RequestVerificationToken"] = Browser.Token(portal.Body),
        });
        if (verified.Status != HttpStatusCode.Redirect) throw new InvalidOperationException($"Portal sign-in failed: {verified.Status}");
        var home = await member.SendAsync(HttpMethod.Get, $"/{state.Slug}/home");
        if (home.Status != HttpStatusCode.OK) throw new InvalidOperationException($"Portal home: {home.Status}");
        await File.WriteAllTextAsync(Path.Combine(outDir, "portal.cookie"), member.CookieHeader);
        Console.WriteLine("sessions\tok");
        return 0;
    }

    /// <summary>Median and max of the overview page's time for 30 days, 12 months and one store (30 days).</summary>
    public static async Task<int> OverviewAsync(string baseUrl, string outDir, string statePath, int runs)
    {
        var state = Load(statePath);
        using var staff = new Browser(baseUrl);
        foreach (var part in File.ReadAllText(Path.Combine(outDir, "staff.cookie")).Split("; "))
        {
            var eq = part.IndexOf('=');
            staff.Cookies[part[..eq]] = part[(eq + 1)..];
        }
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var ranges = new (string Name, string Path)[]
        {
            ("30d", "/app?range=30d"),
            ("12m", $"/app?range=custom&from={today.AddDays(-364):yyyy-MM-dd}&to={today:yyyy-MM-dd}"),
            ("store", $"/app?range=30d&store={state.StoreIds[1]}"),
        };
        // Warm-up: every range loaded twice before any is timed. The app may have just started (the before/after swap
        // restarts it right before the overview): with one warm-up load per range, the first range measured the JIT's
        // first tiers of the page's code, which the ranges after it no longer paid (30 days 300 ms, 12 months 132 ms).
        foreach (var (name, path) in ranges)
            for (var i = 0; i < 2; i++)
                if ((await staff.SendAsync(HttpMethod.Get, path)).Status != HttpStatusCode.OK) throw new InvalidOperationException($"Overview {name}: warm-up failed");
        foreach (var (name, path) in ranges)
        {
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                var res = await staff.SendAsync(HttpMethod.Get, path);
                sw.Stop();
                if (res.Status != HttpStatusCode.OK) throw new InvalidOperationException($"Overview {name}: {res.Status}");
                times.Add(sw.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine(FormattableString.Invariant($"overview_{name}\t{times[times.Count / 2]:0.0}\t{times[^1]:0.0}"));
        }
        return 0;
    }

    /// <summary>
    /// The results page on the large tenant. The generated history has no control group, so one is declared from the first
    /// join on (10% of the members flagged at random, as the draw at join would have), the nightly roll-up is timed
    /// in-process, then the page (which reads only the roll-ups) is loaded like the overview: median and worst server time.
    /// </summary>
    public static async Task<int> ResultsAsync(string cs, string baseUrl, string outDir, string statePath, int runs)
    {
        var state = Load(statePath);
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO results_settings (tenant_id, version, effective_from, created_at, control_group_enabled, share_bps, no_boosts, starts_on,
                                              email_cost_cents, whats_app_cost_cents)
                SELECT @t, 1, min(joined_at), now(), true, 1000, false, (min(joined_at) AT TIME ZONE 'America/Sao_Paulo')::date, 5, 35
                FROM customers WHERE tenant_id = @t AND joined_at IS NOT NULL
                ON CONFLICT DO NOTHING;
                UPDATE customers SET in_control_group = random() < 0.1 WHERE tenant_id = @t AND joined_at IS NOT NULL;
                """, conn);
            cmd.Parameters.AddWithValue("t", state.TenantId);
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync();
        }
        await using (var app = App(cs))
        {
            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(state.TenantId);
            var sw = Stopwatch.StartNew();
            await scope.ServiceProvider.GetRequiredService<Smartbis.Web.Features.Results.RollUpResults>().ExecuteAsync(state.TenantId);
            Console.WriteLine(FormattableString.Invariant($"results_rollup\t{sw.Elapsed.TotalMilliseconds:0}"));
        }
        using var staff = new Browser(baseUrl);
        foreach (var part in File.ReadAllText(Path.Combine(outDir, "staff.cookie")).Split("; "))
        {
            var eq = part.IndexOf('=');
            staff.Cookies[part[..eq]] = part[(eq + 1)..];
        }
        var month = DateOnly.FromDateTime(DateTime.UtcNow);
        var pages = new (string Name, string Path)[]
        {
            ("default", "/app/results"),
            ("12m", $"/app/results?from={month.AddMonths(-11):yyyy-MM}&to={month:yyyy-MM}"),
            ("print", "/app/results/print"),
        };
        foreach (var (name, path) in pages)
        {
            var times = new List<double>();
            for (var i = 0; i < runs + 1; i++)
            {
                var sw = Stopwatch.StartNew();
                var res = await staff.SendAsync(HttpMethod.Get, path);
                sw.Stop();
                if (res.Status != HttpStatusCode.OK) throw new InvalidOperationException($"Results {name}: {res.Status}");
                if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds); // the first is a warm-up
            }
            times.Sort();
            Console.WriteLine(FormattableString.Invariant($"results_{name}\t{times[times.Count / 2]:0.0}\t{times[^1]:0.0}"));
        }
        return 0;
    }

    public static async Task<int> JobsAsync(string cs, string statePath, string smtpPort, int capSeconds)
    {
        var state = Load(statePath);
        await using var app = App(cs, smtpPort);
        var sp = app.Services;
        var now = DateTimeOffset.UtcNow;
        var jobs = new (string Name, Func<CancellationToken, Task<string>> Run)[]
        {
            ("release_pending", async ct => $"{await sp.GetRequiredService<ReleasePendingCredits>().ExecuteAsync(state.TenantId, now, ct)} lots released"),
            ("expire", async ct => (await sp.GetRequiredService<ExpireCredits>().ExecuteAsync(state.TenantId, now, ct)) is var r
                ? $"{r.LotsExpired} lots and {r.VouchersExpired} vouchers expired" : ""),
            ("issue_vouchers", async ct => $"{(await sp.GetRequiredService<IssueVouchers>().ExecuteAsync(state.TenantId, now, ct)).VouchersIssued} vouchers issued"),
            ("expiring_soon", async ct => $"{await sp.GetRequiredService<ScanCustomers>().ExpiringSoonAsync(state.TenantId, ct)} messages planned"),
            ("win_back", async ct => $"{await sp.GetRequiredService<ScanCustomers>().WinBackAsync(state.TenantId, ct)} messages planned"),
            // The scans again: the next night, with nothing new due (what a steady state costs once the backlog is planned).
            ("expiring_soon_again", async ct => $"{await sp.GetRequiredService<ScanCustomers>().ExpiringSoonAsync(state.TenantId, ct)} messages planned"),
            ("win_back_again", async ct => $"{await sp.GetRequiredService<ScanCustomers>().WinBackAsync(state.TenantId, ct)} messages planned"),
        };
        foreach (var (name, run) in jobs)
        {
            using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(capSeconds));
            var sw = Stopwatch.StartNew();
            string what;
            try
            {
                what = await run(cap.Token);
            }
            catch (OperationCanceledException)
            {
                what = $"DID NOT FINISH: stopped at the harness's cap of {capSeconds} s";
            }
            Console.WriteLine(FormattableString.Invariant($"job_{name}\t{sw.Elapsed.TotalSeconds:0.00}\t{what}"));
        }
        return 0;
    }

    /// <summary>
    /// Segments and campaigns over the large tenant: the nightly RFM assignment (first run, then the next night's), the segment
    /// sizes as the page reads them, a campaign to every member with a 10% holdout (its preview, its planning into
    /// campaign_recipients, then its messages through the automations' planner), each timed and stopped at the cap.
    /// </summary>
    public static async Task<int> SegmentsAsync(string cs, string statePath, int capSeconds)
    {
        var state = Load(statePath);
        await using var app = App(cs);
        var sp = app.Services;
        Smartbis.Web.Features.Campaigns.Campaign? campaign = null;
        async Task<T> InTenantAsync<T>(Func<IServiceProvider, Task<T>> work)
        {
            await using var scope = sp.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(state.TenantId);
            return await work(scope.ServiceProvider);
        }
        var steps = new (string Name, Func<CancellationToken, Task<string>> Run)[]
        {
            ("segments_assign", async ct => (await sp.GetRequiredService<Smartbis.Web.Features.Segments.AssignSegments>().ExecuteAsync(state.TenantId, ct)) is var r
                ? $"{r.Changed} rows written; " + string.Join(", ", r.Sizes.OrderBy(x => x.Key).Select(x => $"{x.Key} {x.Value}")) : ""),
            ("segments_assign_again", async ct => $"{(await sp.GetRequiredService<Smartbis.Web.Features.Segments.AssignSegments>().ExecuteAsync(state.TenantId, ct)).Changed} rows written"),
            ("segments_counts", ct => InTenantAsync(async s => $"{await s.GetRequiredService<SmartbisDb>().Set<Smartbis.Web.Features.Segments.SegmentSnapshot>().CountAsync(ct)} snapshot rows read")),
            ("campaign_preview", ct => InTenantAsync(async s =>
            {
                campaign = await s.GetRequiredService<Smartbis.Web.Features.Campaigns.SaveCampaign>().ExecuteAsync(new Smartbis.Web.Features.Campaigns.SaveCampaign.Request(
                    "Bench campaign", "all", true, false, "Oi {{ first_name }}", "Oi {{ first_name }}", null, null, null, 10, 0,
                    Smartbis.Web.Features.Campaigns.Campaign.NoMultiplier, null, null, 30), Smartbis.Web.Features.Audit.AuditActor.System, ct);
                var p = await Smartbis.Web.Features.Campaigns.CampaignAudience.PreviewAsync(s.GetRequiredService<SmartbisDb>(), campaign, ct);
                return $"{p.Audience} in the audience, {p.Holdout} held out, {p.Recipients} reachable";
            })),
            ("campaign_plan", async ct =>
            {
                await using (var conn = new NpgsqlConnection(cs))
                {
                    await conn.OpenAsync(ct);
                    await using var cmd = new NpgsqlCommand($"UPDATE campaigns SET status = 'Scheduled', send_at = now() WHERE id = '{campaign!.Id}'", conn);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
                var c = await sp.GetRequiredService<Smartbis.Web.Features.Campaigns.RunCampaign>().PlanAsync(state.TenantId, campaign!.Id, DateTimeOffset.UtcNow, ct);
                return $"{c!.Audience} recipients planned, {c.Holdout} held out";
            }),
            ("campaign_messages", async ct => (await sp.GetRequiredService<Smartbis.Web.Features.Campaigns.RunCampaign>().ExecuteAsync(state.TenantId, campaign!.Id, ct)) is var r
                ? $"{r.Messages} messages planned" : ""),
        };
        foreach (var (name, run) in steps)
        {
            using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(capSeconds));
            var sw = Stopwatch.StartNew();
            string what;
            try
            {
                what = await run(cap.Token);
            }
            catch (OperationCanceledException)
            {
                what = $"DID NOT FINISH: stopped at the harness's cap of {capSeconds} s";
            }
            Console.WriteLine(FormattableString.Invariant($"{name}\t{sw.Elapsed.TotalSeconds:0.00}\t{what}"));
        }
        return 0;
    }

    public static async Task<int> DeliverAsync(string cs, string statePath, string smtpPort, int count, int capSeconds)
    {
        var state = Load(statePath);
        await using var app = App(cs, smtpPort);
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            // Messages already planned (as the dispatcher leaves them): Scheduled, due, to members who consented to email.
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO messages (tenant_id, id, trigger, subject_id, channel, customer_id, locale, status, recipient, variables,
                                      subject, created_at, not_before, attempts)
                SELECT c.tenant_id, gen_random_uuid(), 'cashback_available', gen_random_uuid(), 'Email', c.id, 'pt-BR', 'Scheduled', c.email,
                       jsonb_build_object('amountCents', 500), NULL, now(), now() - interval '1 minute', 0
                FROM customers c
                WHERE c.tenant_id = @t AND c.email IS NOT NULL AND c.email_consent
                ORDER BY c.card_code LIMIT @n
                """, conn);
            cmd.Parameters.AddWithValue("t", state.TenantId);
            cmd.Parameters.AddWithValue("n", count);
            await cmd.ExecuteNonQueryAsync();
        }
        using var cap = new CancellationTokenSource(TimeSpan.FromSeconds(capSeconds));
        var sw = Stopwatch.StartNew();
        var note = "";
        try
        {
            await app.Services.GetRequiredService<DeliverMessages>().ExecuteAsync(state.TenantId, cap.Token);
        }
        catch (OperationCanceledException)
        {
            note = $"; stopped at the harness's cap of {capSeconds} s";
        }
        sw.Stop();
        await using var c2 = new NpgsqlConnection(cs);
        await c2.OpenAsync();
        await using var q = new NpgsqlCommand("SELECT count(*) FROM messages WHERE tenant_id = @t AND status = 'Sent'", c2);
        q.Parameters.AddWithValue("t", state.TenantId);
        var sent = (long)(await q.ExecuteScalarAsync())!;
        Console.WriteLine(FormattableString.Invariant(
            $"deliver\t{sent / sw.Elapsed.TotalSeconds:0.0}\t{sent} of {count} sent in {sw.Elapsed.TotalSeconds:0.0} s{note}"));
        return 0;
    }
}
