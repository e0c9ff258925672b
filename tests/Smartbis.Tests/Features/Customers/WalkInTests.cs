using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Ledger;

namespace Smartbis.Tests.Features.Customers;

/// <summary>A walk-in known only by phone earns as an unclaimed customer; the credit waits for them to join and expires by the rules.</summary>
public sealed class WalkInTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    [Fact]
    public async Task A_walk_in_earns_as_an_unclaimed_customer_gets_no_vouchers_and_keeps_the_credit_when_joining()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto());

        var walkIn = (await velluto.RecordAsync(velluto.Purchase(null, 400_00, phone: "11 98765-4321"))).Value;

        walkIn.CustomerUnclaimed.Should().BeTrue();
        walkIn.EarnedCents.Should().Be(20_00);
        var customer = await velluto.CustomerAsync(walkIn.CustomerId);
        (customer.Phone, customer.JoinedAt, customer.IsClaimed).Should().Be(("+5511987654321", (DateTimeOffset?)null, false));

        Clock.Advance(TimeSpan.FromDays(7));
        await velluto.ReleaseAsync();
        (await velluto.BalancesAsync(walkIn.CustomerId)).AvailableCents.Should().Be(20_00);
        (await velluto.IssueVouchersAsync()).VouchersIssued.Should().Be(0, "an unclaimed walk-in gets no vouchers: nothing can be sent to them");
        (await velluto.BalancesAsync(walkIn.CustomerId)).Should().Be(new Balances(0, 20_00, 0, 0), "the credit is kept for them");

        var second = (await velluto.RecordAsync(velluto.Purchase(null, 100_00, phone: "+55 (11) 98765-4321"))).Value;
        second.CustomerId.Should().Be(walkIn.CustomerId, "the same phone, however typed, is the same walk-in");

        var joined = await velluto.JoinAsync(phone: "(11) 98765-4321", email: "walk.in@example.com", name: "Walk In");

        joined.CustomerId.Should().Be(walkIn.CustomerId);
        joined.ClaimedWalkIn.Should().BeTrue();
        customer = await velluto.CustomerAsync(walkIn.CustomerId);
        customer.IsClaimed.Should().BeTrue();
        customer.Name.Should().Be("Walk In");
        (await velluto.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(1);
        (await velluto.BalancesAsync(walkIn.CustomerId)).Should().Be(new Balances(5_00, 20_00, 0, 0), "the credit earned before joining is theirs");

        (await velluto.IssueVouchersAsync()).VouchersIssued.Should().Be(1, "now a member, the R$ 20,00 becomes a voucher");
        (await velluto.BalancesAsync(walkIn.CustomerId)).Should().Be(new Balances(5_00, 0, 0, 20_00));
    }

    [Fact]
    public async Task An_unclaimed_walk_in_cannot_spend_the_credit_until_joining()
    {
        var litoral = await NewTenantAsync(SampleRules.LitoralCash());
        var walkIn = (await litoral.RecordAsync(litoral.Purchase(null, 400_00, phone: "47 99111-2222"))).Value;
        var before = await litoral.RowCountsAsync();

        var refusal = await LedgerTestKit.ShouldFailAsync(
            () => litoral.RecordAsync(litoral.Purchase(walkIn.CustomerId, 40_00, payWithCashbackCents: 20_00)), "customer_unclaimed");

        refusal.Errors.Should().ContainKey("payWithCashbackCents");
        (await litoral.RowCountsAsync()).Should().Be(before);
        await litoral.JoinAsync(phone: "+5547991112222");
        (await litoral.BuyAsync(walkIn.CustomerId, 40_00, payWithCashbackCents: 20_00)).Balances.AvailableCents.Should().Be(20_00 - 20_00 + 1_00);
    }

    [Fact]
    public async Task An_unclaimed_walk_in_credit_expires_by_the_normal_rules()
    {
        var litoral = await NewTenantAsync(SampleRules.LitoralCash()); // available at once, 180 days
        var walkIn = (await litoral.RecordAsync(litoral.Purchase(null, 200_00, phone: "21 99876-5432"))).Value;
        walkIn.Balances.AvailableCents.Should().Be(10_00);

        Clock.Advance(TimeSpan.FromDays(179));
        (await litoral.ExpireAsync()).LotsExpired.Should().Be(0);
        Clock.Advance(TimeSpan.FromDays(1));
        (await litoral.ExpireAsync()).LotCents.Should().Be(10_00);

        (await litoral.BalancesAsync(walkIn.CustomerId)).Should().Be(new Balances(0, 0, 0, 0));
        var joined = await litoral.JoinAsync(phone: "+5521998765432");
        joined.CustomerId.Should().Be(walkIn.CustomerId);
        (await litoral.BalancesAsync(joined.CustomerId)).AvailableCents.Should().Be(0, "joining late does not bring expired credit back");
    }

    [Fact]
    public async Task A_claimed_walk_in_credit_expires_by_the_rules_after_joining()
    {
        var velluto = await NewTenantAsync(SampleRules.Velluto()); // pending 7, expiry 90
        var walkIn = (await velluto.RecordAsync(velluto.Purchase(null, 100_00, phone: "31 99123-4567"))).Value;
        await velluto.JoinAsync(phone: "31991234567");

        Clock.Advance(TimeSpan.FromDays(7));
        await velluto.ReleaseAsync();
        Clock.Advance(TimeSpan.FromDays(90));
        var expired = await velluto.ExpireAsync();

        expired.LotCents.Should().Be(5_00);
        (await velluto.EntriesAsync(walkIn.CustomerId)).Select(e => e.Kind).Should().Equal(EntryKind.Earn, EntryKind.Release, EntryKind.Expire);
    }

    [Fact]
    public async Task A_phone_that_already_joined_cannot_join_again()
    {
        var shop = await NewTenantAsync(SampleRules.Velluto());
        var phone = LedgerTestKit.NewPhone();
        var first = await shop.JoinAsync(phone: phone);

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.JoinAsync(phone: phone), "duplicate");

        refusal.Status.Should().Be(409);
        refusal.Errors["existingCustomerId"].Should().Equal(first.CustomerId.ToString());
        var purchase = (await shop.RecordAsync(shop.Purchase(null, 10_00, phone: phone))).Value;
        (purchase.CustomerId, purchase.CustomerUnclaimed).Should().Be((first.CustomerId, false), "a purchase by phone finds the member");
    }

    [Fact]
    public async Task Enrolment_refuses_invalid_fields_one_by_one()
    {
        var shop = await NewTenantAsync(SampleRules.Velluto());

        var refusal = await LedgerTestKit.ShouldFailAsync(() => shop.RunAsync<Smartbis.Web.Features.Customers.EnrollCustomer, Smartbis.Web.Features.Customers.EnrollCustomer.Result>(e =>
            e.ExecuteAsync(new("", "123", "not-an-email", Cpf: "123.456.789-00", BirthDate: DateOnly.FromDateTime(Clock.Now.UtcDateTime).AddDays(1)))), "validation");

        refusal.Errors.Keys.Should().BeEquivalentTo("name", "phone", "email", "cpf", "birthDate");
        (await shop.WithDbAsync(db => db.Customers.CountAsync())).Should().Be(0);
    }
}
