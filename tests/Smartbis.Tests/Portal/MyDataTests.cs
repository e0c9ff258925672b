using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Features;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Tests.Portal;

/// <summary>LGPD: download my data (only mine) and delete my account (personal data gone, ledger amounts kept, balance forfeited).</summary>
public sealed class MyDataTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task Download_contains_my_entries_and_nothing_of_other_customers()
    {
        var t = await NewTenantAsync(SampleRules.Velluto());
        var me = (await t.JoinAsync(email: "me@example.com", name: "Maria Eduarda")).CustomerId;
        var other = (await t.JoinAsync(email: "other@example.com", name: "Otto Outro")).CustomerId;
        await t.BuyAsync(me, 100_00);
        await t.BuyAsync(other, 300_00);

        var json = await t.RunAsync<ExportMyData, byte[]>(e => e.ExecuteAsync(me));

        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("profile").GetProperty("name").GetString().Should().Be("Maria Eduarda");
        var myEntries = await t.EntriesAsync(me);
        var exported = root.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetGuid()).ToList();
        exported.Should().BeEquivalentTo(myEntries.Select(e => e.Id));
        root.GetProperty("purchases").GetArrayLength().Should().Be(1);
        root.GetProperty("consents").GetArrayLength().Should().Be(2);
        var text = System.Text.Encoding.UTF8.GetString(json);
        text.Should().NotContain("Otto").And.NotContain("other@example.com").And.NotContain(other.ToString());
        foreach (var e in await t.EntriesAsync(other)) text.Should().NotContain(e.Id.ToString());
    }

    [Fact]
    public async Task Delete_erases_personal_data_keeps_the_entries_amounts_and_forfeits_the_balance()
    {
        var t = await NewTenantAsync(SampleRules.Velluto()); // 7 days pending, R$ 20,00 vouchers
        var joined = await t.JoinAsync(phone: "+5511912345678", email: "gone@example.com", name: "Gil Gone");
        var me = joined.CustomerId;
        await using (var scope = t.Scope())
        {
            var c = await scope.Db.Customers.SingleAsync(x => x.Id == me);
            c.Cpf = "52998224725";
            c.BirthDate = new DateOnly(1990, 5, 17);
            await scope.Db.SaveChangesAsync();
        }
        await t.BuyAsync(me, 400_00);                    // R$ 20,00
        Clock.Advance(TimeSpan.FromDays(7));
        await t.ReleaseAsync();
        (await t.IssueVouchersAsync()).VouchersIssued.Should().Be(1); // R$ 20,00 voucher
        await t.BuyAsync(me, 100_00);                    // R$ 5,00 pending
        await t.AdjustAsync(me, 3_00);                   // R$ 3,00 available
        var before = await t.EntriesAsync(me);
        (await t.BalancesAsync(me)).Should().Be(new Balances(5_00, 3_00, 0, 20_00));

        var result = await t.RunAsync<DeleteAccount, DeleteAccount.Result>(d => d.ExecuteAsync(me));

        result.Should().Be(new DeleteAccount.Result(5_00, 3_00, 20_00));
        var customer = await t.CustomerAsync(me);
        (customer.Name, customer.Phone, customer.Email, customer.Cpf, customer.BirthDate, customer.Status)
            .Should().Be(("", (string?)null, (string?)null, (string?)null, (DateOnly?)null, CustomerStatus.Anonymized));
        var raw = await t.WithDbAsync(db => db.Database.SqlQuery<int>(
            $"SELECT count(*)::int AS \"Value\" FROM customers WHERE name LIKE '%Gil%' OR email LIKE '%gone@%' OR phone = '+5511912345678' OR cpf = '52998224725'").SingleAsync());
        raw.Should().Be(0, "nothing of the person is left in the customers table");

        var after = await t.EntriesAsync(me);
        after.Take(before.Count).Select(e => (e.Id, e.Kind, e.PendingDeltaCents, e.AvailableDeltaCents, e.VoucherDeltaCents))
            .Should().Equal(before.Select(e => (e.Id, e.Kind, e.PendingDeltaCents, e.AvailableDeltaCents, e.VoucherDeltaCents)), "the entries' amounts are kept");
        after.Skip(before.Count).Should().OnlyContain(e => e.Kind == EntryKind.Adjustment && e.Reason == DeleteAccount.Reason);
        (await t.BalancesAsync(me)).Should().Be(new Balances(0, 0, 0, 0));
        (await t.VouchersAsync(me)).Should().OnlyContain(v => v.Status == VoucherStatus.Cancelled);

        // The email is no member's any more: the sign-in answers as for any stranger (a decoy, nothing sent to anyone).
        (await t.RunAsync<SendSignInCode, SendSignInCode.Result>(s => s.ToIdentifierAsync("gone@example.com"))).CustomerId.Should().BeNull();
        (await t.WithDbAsync(db => db.SignInCodes.CountAsync(c => c.CustomerId == me))).Should().Be(0);
        // The phone is free again: joining with it makes a new member, not the deleted one.
        (await t.JoinAsync(phone: "+5511912345678")).CustomerId.Should().NotBe(me);
    }
}
