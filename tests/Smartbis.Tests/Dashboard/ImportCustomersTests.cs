using System.Text;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Onboarding;

namespace Smartbis.Tests.Dashboard;

public sealed class ImportCustomersTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private const string Mixed = """
        name,phone,email,cpf,birth_date,opening_balance
        Maria Souza,(11) 98765-4321,maria@example.com,,1985-04-12,12.50
        ,11912345678,,,,
        Ana Lima,not-a-phone,,,,
        Bruno Reis,11955554444,bruno@example.com,111.111.111-11,,
        Carla Dias,11955553333,,,31/02/1990,abc
        Duda Melo,(11) 98765-4321,,,,
        Edu Neves,11944443333,edu@example.com,529.982.247-25,,"1.234,56"
        """;

    private static MemoryStream Csv(string text) => new(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n")));

    private async Task<ImportCustomers.Result> RunAsync(TestTenant t, string csv, bool dryRun)
    {
        await using var scope = t.Scope();
        return await scope.Get<ImportCustomers>().ExecuteAsync(Csv(csv), dryRun, new AuditActor("manager-1", "manager@test", null, null));
    }

    [Fact]
    public async Task A_dry_run_lists_exactly_the_bad_rows_with_their_line_numbers_and_saves_nothing()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var result = await RunAsync(t, Mixed, dryRun: true);
        result.Errors.Select(e => e.Line).Distinct().Should().Equal(3, 4, 5, 6, 7);
        result.Errors.Single(e => e.Line == 3).Reason.Should().Contain("name");
        result.Errors.Single(e => e.Line == 4).Reason.Should().Contain("phone");
        result.Errors.Single(e => e.Line == 5).Reason.Should().Contain("cpf");
        result.Errors.Where(e => e.Line == 6).Select(e => e.Reason).Should().Contain(r => r.Contains("birth_date")).And.Contain(r => r.Contains("opening_balance"));
        result.Errors.Single(e => e.Line == 7).Reason.Should().Contain("line 2");
        result.Rows.Should().Be(7);
        (await t.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task An_import_with_one_bad_row_imports_nothing()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var before = await t.RowCountsAsync();
        var result = await RunAsync(t, Mixed, dryRun: false);
        result.Imported.Should().Be(0);
        result.Errors.Should().NotBeEmpty();
        (await t.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(0);
        (await t.RowCountsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_good_file_imports_every_row_with_opening_balances_as_ledger_entries()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        var existing = await t.EnrollAsync("Already here");
        var good = """
            name;phone;email;cpf;birth_date;opening_balance
            Maria Souza;(11) 98765-4321;maria@example.com;;1985-04-12;12,50
            "Lima, João";11912345678;;529.982.247-25;;0
            Edu Neves;;edu@example.com;;;"1.234,56"
            """;
        (await RunAsync(t, good, dryRun: true)).Errors.Should().BeEmpty();
        var result = await RunAsync(t, good, dryRun: false);
        result.Should().BeEquivalentTo(new { Rows = 3, Imported = 3, OpeningBalanceCents = 12_50 + 1_234_56L, Errors = Array.Empty<ImportCustomers.RowError>() });

        var customers = await t.WithDbAsync(db => db.Customers.Where(c => c.Id != existing).OrderBy(c => c.Name).ToListAsync());
        customers.Select(c => c.Name).Should().Equal("Edu Neves", "Lima, João", "Maria Souza");
        customers.Should().OnlyContain(c => c.JoinedAt != null && !c.EmailConsent && !c.WhatsAppConsent);
        var maria = customers.Single(c => c.Name == "Maria Souza");
        (maria.Phone, maria.Email, maria.BirthDate).Should().Be(("+5511987654321", "maria@example.com", new DateOnly(1985, 4, 12)));
        (await t.BalancesAsync(maria.Id)).AvailableCents.Should().Be(12_50);
        var entries = await t.EntriesAsync(maria.Id);
        entries.Should().ContainSingle(e => e.Kind == EntryKind.Adjustment && e.AvailableDeltaCents == 12_50 && e.AuthorUserId == "manager-1");
        (await t.EntriesAsync(customers.Single(c => c.Name == "Lima, João").Id)).Should().BeEmpty();
        (await t.WithDbAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "customers.imported"))).Should().Be(1);

        // Importing the same file again: every row is now a duplicate, nothing changes.
        var again = await RunAsync(t, good, dryRun: false);
        again.Errors.Select(e => e.Line).Distinct().Should().Equal(2, 3, 4);
        (await t.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(4);
    }
}
