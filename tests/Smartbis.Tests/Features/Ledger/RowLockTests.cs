using Microsoft.EntityFrameworkCore;
using Npgsql;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Features.Ledger;

/// <summary>
/// A locking read (<see cref="RowLocks.ForUpdate{T}"/>, a LINQ query the interceptor ends with FOR UPDATE) really holds
/// the row: a second transaction cannot take it until the first ends; a wrong alias is refused, never run unlocked.
/// </summary>
public sealed class RowLockTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task A_locked_account_makes_a_second_locking_read_wait_until_the_first_transaction_ends()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();
        await using var first = shop.Scope();
        await using var second = shop.Scope();
        await using var tx1 = await first.Db.Database.BeginTransactionAsync();
        (await new Books(first.Db, shop.Now).LockAsync(ana)).CustomerId.Should().Be(ana);

        await using (var tx2 = await second.Db.Database.BeginTransactionAsync())
        {
            await second.Db.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = 300");
            var blocked = () => new Books(second.Db, shop.Now).LockAsync(ana);
            // EF's execution strategy wraps the error; the lock timeout inside is what matters.
            (await blocked.Should().ThrowAsync<InvalidOperationException>()).WithInnerException<PostgresException>()
                .Which.SqlState.Should().Be(PostgresErrorCodes.LockNotAvailable);
        }

        await tx1.CommitAsync();
        await using var third = shop.Scope();
        await using var tx3 = await third.Db.Database.BeginTransactionAsync();
        await third.Db.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = 300");
        (await new Books(third.Db, shop.Now).LockAsync(ana)).CustomerId.Should().Be(ana, "the first transaction ended, so the row is free");
    }

    [Fact]
    public async Task A_lock_on_an_alias_the_query_does_not_have_is_refused()
    {
        var shop = await NewTenantAsync(SampleRules.Plain());
        var ana = await shop.EnrollAsync();
        await using var scope = shop.Scope();
        await using var tx = await scope.Db.Database.BeginTransactionAsync();
        var wrong = () => scope.Db.Accounts.Where(a => a.CustomerId == ana).ForUpdate(of: "x").SingleAsync();
        await wrong.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no table aliased x*");
    }
}
