using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>Entries are append-only in the database itself; CheckLedger finds books that do not balance.</summary>
public sealed class LedgerEntryTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Theory]
    [InlineData("UPDATE ledger_entries SET available_delta_cents = available_delta_cents + 100 WHERE customer_id = @customer", "UPDATE")]
    [InlineData("DELETE FROM ledger_entries WHERE customer_id = @customer", "DELETE")]
    [InlineData("TRUNCATE ledger_entries", "TRUNCATE")]
    public async Task Changing_or_removing_a_ledger_entry_fails_in_the_database(string sql, string operation)
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);
        var before = await shop.EntriesAsync(ana);

        await using var connection = new NpgsqlConnection(Fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("customer", ana);
        var thrown = await FluentActions.Awaiting(() => command.ExecuteNonQueryAsync()).Should().ThrowAsync<PostgresException>();

        thrown.Which.SqlState.Should().Be(PostgresErrorCodes.RestrictViolation);
        thrown.Which.MessageText.Should().Contain("append-only").And.Contain(operation);
        var after = await shop.EntriesAsync(ana);
        after.Should().BeEquivalentTo(before, o => o.Excluding(e => e.TextValues));
        after.Select(e => e.TextValues?.RootElement.GetRawText()).Should().Equal(before.Select(e => e.TextValues?.RootElement.GetRawText()));
    }

    [Fact]
    public async Task Changing_a_ledger_entry_through_ef_fails_too()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);

        await using var scope = shop.Scope();
        var entry = await scope.Db.LedgerEntries.FirstAsync(e => e.CustomerId == ana);
        entry.Reason = "Edited";
        var thrown = await FluentActions.Awaiting(() => scope.Db.SaveChangesAsync()).Should().ThrowAsync<DbUpdateException>();
        thrown.Which.InnerException.Should().BeOfType<PostgresException>().Which.SqlState.Should().Be(PostgresErrorCodes.RestrictViolation);

        var raw = FluentActions.Awaiting(() => scope.Db.Database.ExecuteSqlRawAsync("DELETE FROM ledger_entries"));
        await raw.Should().ThrowAsync<PostgresException>();
    }

    [Fact]
    public async Task Every_entry_records_its_reason_rule_version_rate_and_source()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto());
        var ana = await velluto.EnrollAsync();

        var purchase = await velluto.BuyAsync(ana, 100_00);

        var earn = (await velluto.EntriesAsync(ana)).Single();
        earn.Should().Match<LedgerEntry>(e =>
            e.Kind == EntryKind.Earn && e.PendingDeltaCents == 5_00 && e.RuleVersion == 1 && e.RateBps == 500 &&
            e.PurchaseId == purchase.PurchaseId && e.LotId != null && e.LotExpiresAt == purchase.ExpiresAt && e.CreatedAt == Clock.Now);
        earn.Reason.Should().Be("5% cashback on your purchase at Test Pharmacy Centro");
        (earn.Text, earn.TextValues!.RootElement.GetProperty("rate").GetInt32(), earn.TextValues.RootElement.GetProperty("store").GetString())
            .Should().Be(("earn", 500, "Test Pharmacy Centro"));
    }

    [Fact]
    public async Task CheckLedger_reports_a_balance_that_differs_from_its_entries_and_lots()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 100_00);
        (await shop.CheckLedgerAsync()).Should().BeEmpty();

        await using (var scope = shop.Scope())
            await scope.Db.Database.ExecuteSqlInterpolatedAsync($"UPDATE accounts SET available_cents = available_cents + 1 WHERE customer_id = {ana}");

        var problems = await shop.CheckLedgerAsync();
        problems.Should().HaveCount(2).And.Contain(p => p.Contains("≠ entries")).And.Contain(p => p.Contains("lots hold"));

        // Put the books back so the after-test check passes: the test is about CheckLedger seeing the difference.
        await using (var scope = shop.Scope())
            await scope.Db.Database.ExecuteSqlInterpolatedAsync($"UPDATE accounts SET available_cents = available_cents - 1 WHERE customer_id = {ana}");
    }

    [Fact]
    public async Task CheckLedger_reports_a_voucher_whose_value_is_not_held()
    {
        var rules = SampleRules.Velluto();
        rules.PendingDays = 0;
        var shop = await NewTenantAsync(rules);
        var ana = await shop.EnrollAsync();
        await shop.BuyAsync(ana, 400_00);
        await shop.IssueVouchersAsync();

        await using (var scope = shop.Scope())
            await scope.Db.Database.ExecuteSqlInterpolatedAsync($"UPDATE vouchers SET status = 'Redeemed' WHERE customer_id = {ana}");

        (await shop.CheckLedgerAsync()).Should().ContainSingle().Which.Should().Contain("Redeemed").And.Contain("holds 2000");

        await using (var scope = shop.Scope())
            await scope.Db.Database.ExecuteSqlInterpolatedAsync($"UPDATE vouchers SET status = 'Issued' WHERE customer_id = {ana}");
    }

    [Fact]
    public async Task No_bucket_can_go_negative_in_the_database()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();

        await using var scope = shop.Scope();
        foreach (var sql in new[]
                 {
                     "UPDATE accounts SET pending_cents = -1 WHERE customer_id = {0}",
                     "UPDATE accounts SET available_cents = -1 WHERE customer_id = {0}",
                     "UPDATE accounts SET clawback_cents = -1 WHERE customer_id = {0}",
                     "UPDATE accounts SET voucher_cents = -1 WHERE customer_id = {0}",
                 })
        {
            var update = FluentActions.Awaiting(() => scope.Db.Database.ExecuteSqlRawAsync(sql, ana));
            (await update.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be(PostgresErrorCodes.CheckViolation);
        }
    }
}
