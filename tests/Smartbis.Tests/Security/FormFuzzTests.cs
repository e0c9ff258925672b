using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Smartbis.Tests.Infrastructure;

namespace Smartbis.Tests.Security;

public sealed class FormFuzzFixture : DatabaseFixture;

/// <summary>
/// Property tests of the main forms (counter purchase and enrol, portal join, customer adjustment, program rules,
/// template editor, sign-up): a valid submission spoiled by one to three bad values (hostile text, huge or negative
/// numbers, wrong formats, blanks, NULs), posted with the page's own antiforgery token. Every answer is the form
/// again (200) with an error shown, never a 500, and nothing in the database changes.
/// </summary>
public sealed class FormFuzzTests(FormFuzzFixture fixture) : IClassFixture<FormFuzzFixture>
{
    private const int CasesPerForm = 40;

    public sealed record FormCase(string Form, string Page, string Action, Dictionary<string, string> Fields, string What)
    {
        public override string ToString() =>
            $"{Form}: {What} → {string.Join(", ", Fields.Select(f => $"{f.Key}={(f.Value.Length > 40 ? f.Value[..40] + "…" : f.Value)}"))}";
    }

    private sealed record Bad(string Field, string Value);

    private static readonly string[] NotAMoney = ["-5,00", "abc", "1e400", "99999999999999999999,99", "NaN", "<script>alert(1)</script>", "' OR '1'='1", "10,5,5", "∞"];
    private static readonly string[] NotANumber = ["-1", "abc", "1e400", "99999999999", "NaN", "<b>1</b>", "1; DROP TABLE x"];
    private static readonly string LongText = new('x', 10_000);

    private static Gen<FormCase> Cases(string form, string page, string action, Func<Dictionary<string, string>> valid, string? decorated, params Gen<Bad>[] bad) =>
        from count in Gen.Choose(1, 3)
        from b1 in Gen.OneOf(bad)
        from b2 in Gen.OneOf(bad)
        from b3 in Gen.OneOf(bad)
        from decoration in Gen.Elements(BadInput.Nasty.Where(n => n.Length is > 0 and <= 60 && !string.IsNullOrWhiteSpace(n) && !n.Contains('\0')).ToArray())
        select Build(form, page, action, valid(), decorated, decoration, new[] { b1, b2, b3 }.Take(count).ToList());

    private static FormCase Build(string form, string page, string action, Dictionary<string, string> fields, string? decorated, string decoration, List<Bad> bad)
    {
        if (decorated is not null) fields[decorated] = decoration + " " + fields[decorated];
        foreach (var b in bad) fields[b.Field] = b.Value;
        return new FormCase(form, page, action, fields, string.Join(" + ", bad.Select(b => $"{b.Field}='{(b.Value.Length > 30 ? b.Value[..30] + "…" : b.Value)}'")));
    }

    private static Gen<Bad> Field(string name, params string[] values) => Gen.Elements(values).Select(v => new Bad(name, v));

    [Fact]
    public async Task Bad_values_in_the_main_forms_show_the_form_again_with_an_error_and_change_nothing()
    {
        var t = await SecurityKit.SeedAsync(fixture, "form-fuzz");
        var staff = fixture.CreateFormClient();
        (await staff.SignInAsync(t.T.Owner.Email, t.T.Owner.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var token = FormClient.FindAntiforgeryToken(await staff.GetPageAsync("/app/staff"));
        (await staff.PostAsync("/counter?handler=Store", [new("storeId", t.StoreId.ToString())], token)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        // Each request from another address: the portal join is limited per client IP (20 per 15 minutes), and this
        // test is about bad values, not about that limit (PortalGuessingTests and the docs cover it).
        var anonymous = AuthKit.EachRequestFromAnotherIp(fixture.Factory);

        // A NUL in a form is refused by ASP.NET Core's form reader itself (400 page; see the test below), so not mixed in here.
        var nastyNonBlank = BadInput.Nasty.Where(n => !string.IsNullOrWhiteSpace(n) && !n.Contains('\0')).ToArray();
        var forms = new (FormClient Client, Gen<FormCase> Cases)[]
        {
            (staff, Cases("counter purchase", $"/counter?c={t.CustomerId}", "/counter?handler=Purchase",
                () => new() { ["Purchase.CustomerId"] = t.CustomerId.ToString(), ["Purchase.IdempotencyKey"] = Guid.NewGuid().ToString("N"), ["Purchase.Amount"] = "10,00",
                    ["Purchase.Receipt"] = "FF-" + Guid.NewGuid().ToString("N")[..8], ["Purchase.PayWithCashback"] = "", ["Purchase.VoucherCode"] = "" },
                "Purchase.Receipt",
                Field("Purchase.Amount", [.. NotAMoney, "", "0", "0,00"]), Field("Purchase.PayWithCashback", [.. NotAMoney, "999999,00"]),
                // (Purchase.Excluded is on the form only when the rules exclude categories; this tenant's do not, so it is ignored.)
                Field("Purchase.VoucherCode", nastyNonBlank), Field("Purchase.Receipt", LongText))),
            (staff, Cases("counter enrol", "/counter?enrol=true", "/counter?handler=Enrol",
                () => new() { ["Enrol.Name"] = "Fuzz Enrol", ["Enrol.Phone"] = Features.LedgerTestKit.NewPhone(), ["Enrol.Email"] = "" },
                "Enrol.Name",
                Field("Enrol.Name", "", " ", LongText), Field("Enrol.Phone", nastyNonBlank), Field("Enrol.Email", nastyNonBlank),
                Field("Enrol.ReferralCode", nastyNonBlank))),
            (anonymous, Cases("portal join", $"/{t.Slug}/join", $"/{t.Slug}/join",
                () => new() { ["Input.Name"] = "Fuzz Joiner", ["Input.Email"] = $"join-{Guid.NewGuid():N}@example.com", ["Input.AcceptTerms"] = "true", ["Input.EmailConsent"] = "true" },
                "Input.Name",
                Field("Input.Name", "", " ", LongText), Field("Input.Phone", nastyNonBlank), Field("Input.Email", nastyNonBlank),
                Field("Input.BirthDate", "2999-01-01", "31/02/1990", "<script>", "1e400"), Field("Input.ReferralCode", nastyNonBlank),
                Field("Input.AcceptTerms", "false"))),
            (staff, Cases("customer adjustment", $"/app/customers/{t.CustomerId}", $"/app/customers/{t.CustomerId}?handler=Adjust",
                () => new() { ["Adjust.Amount"] = "1,00", ["Adjust.Direction"] = "credit", ["Adjust.Reason"] = "Goodwill", ["Adjust.IdempotencyKey"] = Guid.NewGuid().ToString("N") },
                "Adjust.Reason",
                Field("Adjust.Amount", [.. NotAMoney, "", "0", "99999999,00"]), Field("Adjust.Direction", nastyNonBlank), Field("Adjust.Reason", "", " ", LongText))),
            (staff, Cases("program rules", "/app/program", "/app/program",
                () => new() { ["Input.EarnRatePercent"] = "5", ["Input.PendingDays"] = "0", ["Input.MaxRedeemSharePercent"] = "100", ["Input.VoucherMode"] = "None",
                    ["Input.VoucherValidityDays"] = "30", ["Input.ReferralMonthlyCap"] = "5", ["Input.CurrencyName"] = "Cashback", ["Input.PrimaryColor"] = "#0d6efd" },
                "Input.CurrencyName",
                Field("Input.EarnRatePercent", [.. NotANumber, "", "101", "-5"]), Field("Input.PendingDays", NotANumber), Field("Input.ExpiryDays", NotANumber),
                Field("Input.MinPurchase", NotAMoney), Field("Input.MaxRedeemSharePercent", [.. NotANumber, "150"]), Field("Input.VoucherMode", nastyNonBlank),
                Field("Input.CurrencyName", "", LongText), Field("Input.PrimaryColor", "red; background:url(x)", "<script>", "#12345G", LongText),
                Field("Input.ExcludedCategories", LongText))),
            (staff, Cases("template editor", "/app/automations/template?trigger=welcome&channel=Email&locale=pt-BR",
                "/app/automations/template?handler=Save&trigger=welcome&channel=Email&locale=pt-BR",
                () => new() { ["Subject"] = "Bem-vindo, {{ customer_name }}", ["Body"] = "<p>Olá {{ customer_name }}</p>" },
                null,
                Field("Body", "{% if customer_name %}never closed", "{{ customer_name ", "{% for x in %}{% endfor %}", "{% include 'x' %}", "", LongText + LongText + LongText),
                Field("Subject", "", LongText, "{{ unclosed"))),
            (anonymous, Cases("sign-up", "/signup", "/signup",
                () => new() { ["Input.BusinessName"] = "Fuzz Shop", ["Input.Slug"] = "fuzz-" + Guid.NewGuid().ToString("N")[..8], ["Input.OwnerName"] = "Fuzz Owner",
                    ["Input.Email"] = $"owner-{Guid.NewGuid():N}@example.com", ["Input.Password"] = "a-long-enough-password", ["Input.RewardType"] = "cashback",
                    ["Input.EarnRatePercent"] = "5", ["Input.CurrencyName"] = "Cashback" },
                "Input.BusinessName",
                Field("Input.Slug", [.. nastyNonBlank, "app", "api", "admin", t.Slug, "-", "a"]), Field("Input.Email", nastyNonBlank), Field("Input.Password", "", "short"),
                Field("Input.EarnRatePercent", [.. NotANumber, "101"]), Field("Input.RewardType", nastyNonBlank), Field("Input.BusinessName", "", LongText),
                Field("Input.CurrencyName", LongText))),
        };

        var ignored = new Dictionary<string, string> { ["api_keys.last_used_at"] = "not used here, listed for symmetry with the API test" };
        // The portal join's per-client limit counts every attempt, refused ones included: that is its job.
        var limits = new Dictionary<string, string> { ["attempt_counters"] = "attempts counted by the per-client limits" };
        var before = await DbSnapshot.OfDatabaseAsync(fixture, limits, ignored);
        var sent = 0;
        foreach (var (client, cases) in forms)
        {
            Prop.ForAll(cases.ToArbitrary(), c =>
            {
                var (ok, why) = Task.Run(() => CheckAsync(client, c)).GetAwaiter().GetResult();
                Interlocked.Increment(ref sent);
                return ok.Label($"{c}: {why}");
            }).Check(Config.QuickThrowOnFailure.WithMaxTest(CasesPerForm));
        }
        sent.Should().BeGreaterThanOrEqualTo(7 * CasesPerForm);
        var after = await DbSnapshot.OfDatabaseAsync(fixture, limits, ignored);
        DbSnapshot.Differences(before, after).Should().BeEmpty("{0} refused submissions must change nothing", sent);
    }

    [Fact]
    public async Task A_NUL_character_in_a_form_is_a_400_page_never_a_500()
    {
        var t = await SecurityKit.SeedAsync(fixture, "form-nul");
        using var anonymous = fixture.CreateFormClient();
        var token = FormClient.FindAntiforgeryToken(await anonymous.GetPageAsync($"/{t.Slug}/join"));
        using var r = await anonymous.PostAsync($"/{t.Slug}/join",
            [new("Input.Name", "zero\0byte"), new("Input.Email", "nul@example.com"), new("Input.AcceptTerms", "true")], token);
        ((int)r.StatusCode).Should().BeInRange(400, 499, "a form the server cannot read is the client's error");
        (await r.Content.ReadAsStringAsync()).Should().Contain("<html", "the error page is shown");
        await using var scope = fixture.CreateScope(t.Id);
        scope.Db.Customers.Count(c => c.Email == "nul@example.com").Should().Be(0);
    }

    private static async Task<(bool Ok, string Why)> CheckAsync(FormClient client, FormCase c)
    {
        var page = await client.GetPageAsync(c.Page);
        var token = FormClient.FindAntiforgeryToken(page) ?? throw new InvalidOperationException($"No token on {c.Page}");
        using var r = await client.PostAsync(c.Action, c.Fields, token);
        var html = await r.Content.ReadAsStringAsync();
        if (r.StatusCode != HttpStatusCode.OK) return (false, $"answered {(int)r.StatusCode} {r.Headers.Location}");
        if (!BadInput.HasFormError(html)) return (false, "the form came back without an error message");
        if (html.Contains("<script>alert(1)</script>", StringComparison.Ordinal) || html.Contains("<img src=x onerror", StringComparison.Ordinal))
            return (false, "hostile markup echoed unescaped");
        return (true, "");
    }
}
