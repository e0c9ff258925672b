using System.Net;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Tenancy;
using Smartbis.Web.Features.Audit;

namespace Smartbis.Tests.Dashboard;

/// <summary>
/// Product categories: the merchant's list (code + pt-BR/en names) on /app/categories, chosen in the rules editor, and read
/// by name in the reader's language on the portal's public rules.
/// </summary>
public sealed class CategoriesTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    private async Task<(TenantKit.TestTenant T, FormClient Client)> OwnerAsync(string slug)
    {
        var t = await TenantKit.CreateAsync(fixture.Factory, slug);
        var client = fixture.CreateFormClient();
        (await client.SignInAsync(t.Owner.Email, t.Owner.Password)).Dispose();
        return (t, client);
    }

    private async Task<T> Db<T>(Guid tenantId, Func<Web.Data.SmartbisDb, Task<T>> read)
    {
        await using var scope = fixture.CreateScope(tenantId);
        return await read(scope.Db);
    }

    [Fact]
    public async Task The_owner_adds_and_renames_a_category_audited_and_bad_input_gets_field_errors_and_changes_nothing()
    {
        var (t, client) = await OwnerAsync("cat-crud");
        using (client)
        {
            (await client.GetPageAsync("/app/categories")).Should().Contain("medicamentos com receita");
            using (var added = await client.SubmitAsync("/app/categories", new Dictionary<string, string>
            { ["Input.Code"] = " Cosmetics ", ["Input.NamePt"] = "cosméticos", ["Input.NameEn"] = "cosmetics" }, "/app/categories?handler=Save"))
                added.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);
            var cosmetics = await Db(t.Id, db => db.ProductCategories.SingleAsync(c => c.Code == "cosmetics"));
            (cosmetics.NamePt, cosmetics.NameEn).Should().Be(("cosméticos", "cosmetics"));
            (await Db(t.Id, db => db.Set<AuditEntry>().CountAsync(a => a.Action == "category.created"))).Should().Be(1);

            var count = await Db(t.Id, db => db.ProductCategories.CountAsync());
            using (var bad = await client.SubmitAsync("/app/categories?culture=en", new Dictionary<string, string>
            { ["Input.Code"] = "Não vale!", ["Input.NamePt"] = "", ["Input.NameEn"] = "x" }, "/app/categories?handler=Save&culture=en"))
            {
                bad.StatusCode.Should().Be(HttpStatusCode.OK);
                var html = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
                html.Should().MatchRegex("data-valmsg-for=\"Input.Code\"[^>]*>[^<]*lower-case letters");
                html.Should().MatchRegex("data-valmsg-for=\"Input.NamePt\"[^>]*>[^<]*Enter the name");
            }
            using (var duplicate = await client.SubmitAsync("/app/categories", new Dictionary<string, string>
            { ["Input.Code"] = "tobacco", ["Input.NamePt"] = "outro", ["Input.NameEn"] = "other" }, "/app/categories?handler=Save"))
                WebUtility.HtmlDecode(await duplicate.Content.ReadAsStringAsync()).Should().MatchRegex("data-valmsg-for=\"Input.Code\"[^>]*>[^<]*Já existe uma categoria tobacco");
            (await Db(t.Id, db => db.ProductCategories.CountAsync())).Should().Be(count, "refused input saves nothing");

            using (var renamed = await client.SubmitAsync("/app/categories", new Dictionary<string, string>
            { ["Input.Code"] = "cosmetics", ["Input.NamePt"] = "perfumaria", ["Input.NameEn"] = "perfumery" }, $"/app/categories?handler=Save&id={cosmetics.Id}"))
                renamed.StatusCode.Should().Be(HttpStatusCode.Redirect);
            (await Db(t.Id, db => db.ProductCategories.Where(c => c.Id == cosmetics.Id).Select(c => c.NamePt).SingleAsync())).Should().Be("perfumaria");
        }
    }

    [Fact]
    public async Task The_rules_editor_offers_the_list_refuses_an_unknown_code_and_keeps_a_category_in_use()
    {
        var (t, client) = await OwnerAsync("cat-rules");
        using (client)
        {
            var page = await client.GetPageAsync("/app/program");
            page.Should().Contain("data-testid=\"excluded-categories\"").And.Contain("value=\"prescription\"").And.Contain("medicamentos com receita");

            var form = ProgramSettingsTests.Good();
            form["Input.ExcludedCategories"] = "prescription, made-up";
            using (var refused = await client.SubmitAsync("/app/program?culture=en", form))
            {
                refused.StatusCode.Should().Be(HttpStatusCode.OK);
                WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()).Should().MatchRegex("data-valmsg-for=\"Input.ExcludedCategories\"[^>]*>[^<]*Choose categories of your list");
            }
            form["Input.ExcludedCategories"] = "prescription";
            using (var saved = await client.SubmitAsync("/app/program?culture=en", form))
                saved.StatusCode.Should().Be(HttpStatusCode.Redirect, client.LastHtml);
            (await Db(t.Id, db => db.ProgramRules.OrderByDescending(r => r.Version).Select(r => r.ExcludedCategories).FirstAsync())).Should().Equal("prescription");

            // The rules exclude it: it cannot be removed (the page says why) nor recoded.
            var prescription = await Db(t.Id, db => db.ProductCategories.SingleAsync(c => c.Code == "prescription"));
            using (var delete = await client.SubmitAsync("/app/categories?culture=en", new Dictionary<string, string>(), $"/app/categories?handler=Delete&id={prescription.Id}&culture=en"))
                WebUtility.HtmlDecode(await delete.Content.ReadAsStringAsync()).Should().Contain("The rules in force exclude prescription");
            (await Db(t.Id, db => db.ProductCategories.CountAsync(c => c.Code == "prescription"))).Should().Be(1);

            // The portal's public rules read the name in the reader's language.
            var portal = fixture.CreateFormClient();
            WebUtility.HtmlDecode(await portal.GetPageAsync($"/{t.Slug}")).Should().Contain("medicamentos com receita").And.NotContain(": prescription.");
            WebUtility.HtmlDecode(await portal.GetPageAsync($"/{t.Slug}?culture=en")).Should().Contain("Not earned on: prescription medicines.");
        }
    }
}
