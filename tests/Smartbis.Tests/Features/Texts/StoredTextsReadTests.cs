using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Infrastructure;
using Smartbis.Tests.Portal;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Ledger;
using Smartbis.Web.Features.Onboarding;
using Smartbis.Web.Features.Portal;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Tests.Features.Texts;

/// <summary>
/// What was stored as a kind plus values reads in the reader's language: a customer's history (portal, export), the
/// audit log and the import's errors, in pt-BR and in English; entries written before kinds are read from their kind.
/// </summary>
public sealed class StoredTextsReadTests(LedgerFixture fixture) : LedgerTests(fixture)
{
    private static readonly CultureInfo PtBr = CultureInfo.GetCultureInfo("pt-BR");
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Clock.StartAt(new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero));
    }

    [Fact]
    public async Task A_customers_history_reads_in_pt_BR_for_a_pt_BR_reader_and_in_English_for_an_English_one()
    {
        var t = await NewTenantAsync(SampleRules.Velluto());
        var ana = await t.JoinAsync(email: "ana@example.com", name: "Ana Prado");
        await t.BuyAsync(ana.CustomerId, 100_00);
        await t.AdjustAsync(ana.CustomerId, 3_00, "Cortesia da loja");

        var entries = await t.EntriesAsync(ana.CustomerId);
        var earn = entries.Single(e => e.Kind == EntryKind.Earn);
        earn.Text.Should().Be("earn");
        StoredTexts.Read(earn.TextValues)["rate"].GetInt32().Should().Be(500);
        earn.Reason.Should().StartWith("5% cashback on your purchase at", "the English sentence stays for the API");

        using var client = Fixture.CreatePortalClient();
        await client.SignInAsync(t, ana.CustomerId, "ana@example.com");
        var pt = WebUtility.HtmlDecode(await client.GetPageAsync($"/{t.Slug}/home"));
        pt.Should().Contain("5% de Cashback na sua compra em").And.Contain("Cortesia da loja");
        pt.Should().NotContain("on your purchase at").And.NotContain("cashback on your");
        var en = WebUtility.HtmlDecode(await client.GetPageAsync($"/{t.Slug}/home?culture=en"));
        en.Should().Contain("5% Cashback on your purchase at").And.NotContain("na sua compra em");

        // The data export: each entry's description in the member's own language.
        var export = await t.RunAsync<ExportMyData, byte[]>(x => x.ExecuteAsync(ana.CustomerId));
        using var doc = JsonDocument.Parse(export);
        var descriptions = doc.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("description").GetString()).ToList();
        descriptions.Should().Contain(d => d!.StartsWith("5% de Cashback na sua compra em")).And.Contain("Cortesia da loja");
        doc.RootElement.GetProperty("entries").EnumerateArray().Select(e => e.TryGetProperty("reason", out var _)).Should().OnlyContain(has => !has, "no English sentence in a pt-BR export");
    }

    [Fact]
    public async Task A_points_tenants_history_reads_in_points()
    {
        var t = await NewTenantAsync(SampleRules.Points(pointsPerUnit: 2));
        var bia = await t.JoinAsync(email: "bia@example.com");
        await t.BuyAsync(bia.CustomerId, 50_00);
        using var client = Fixture.CreatePortalClient();
        await client.SignInAsync(t, bia.CustomerId, "bia@example.com");
        var pt = WebUtility.HtmlDecode(await client.GetPageAsync($"/{t.Slug}/home"));
        var tenant = await t.WithDbAsync(db => db.Tenants.SingleAsync(x => x.Id == t.Id));
        pt.Should().Contain($"100 {tenant.CurrencyName} na sua compra em");
    }

    [Fact]
    public void Entries_written_before_kinds_are_read_from_their_kind_never_in_English_for_a_pt_BR_reader()
    {
        var c = new TextContext(PtBr, RewardType.Cashback, "Cashback");
        string Read(EntryKind kind, string reason, long available = 0, long voucher = 0, string? store = null, string? code = null, int? rate = null) =>
            EntryText.Render(new EntryText.View(kind, null, null, reason, 0, available, 0, voucher, rate, store, code), c);

        Read(EntryKind.Earn, "5% cashback on your purchase at Velluto Centro", 5_00, store: "Velluto Centro", rate: 500)
            .Should().Be("5% de Cashback na sua compra em Velluto Centro");
        Read(EntryKind.VoucherIssue, "Voucher ABCD-EFGH issued from your cashback", -10_00, 10_00, code: "ABCDEFGH")
            .Should().Be("Vale ABCD-EFGH gerado com o seu Cashback");
        Read(EntryKind.Adjustment, DeleteAccount.Reason, -5_00).Should().Be("Saldo perdido: conta excluída a pedido do cliente");
        Read(EntryKind.ReferralBonus, "Referral reward: Bia joined through you and made a first purchase", 10_00)
            .Should().Be("Recompensa por convidar um amigo: Bia entrou e fez a primeira compra");
        Read(EntryKind.Expire, "Cashback credited on 2026-03-01 expired", -1_00).Should().Be("Expirou: Cashback creditado em 01/03/2026");
        Read(EntryKind.Reverse, "Cashback reversed: purchase refunded (Defeito)", -1_00).Should().Be("Estornado: uma compra foi devolvida (Defeito)");
        Read(EntryKind.Adjustment, "Opening balance brought from your previous program", 1_00).Should().Be("Saldo inicial trazido do seu programa anterior");
        Read(EntryKind.Adjustment, "Cortesia", 1_00).Should().Be("Cortesia", "a manager's own words are shown as written");
        Read(EntryKind.Earn, "5% cashback on a purchase", 1_00).Should().Be("Cashback em uma compra", "without its store, the kind's plain text");
    }

    [Fact]
    public async Task The_audit_log_reads_in_the_readers_language_with_the_tenants_money()
    {
        var t = await NewTenantAsync(SampleRules.Velluto());
        var ana = await t.JoinAsync(email: "ana2@example.com", name: "Ana Prado");
        await t.RunAsync<AdjustBalance, Idempotent<Balances>>(a => a.ExecuteAsync(
            new AdjustBalance.Request(ana.CustomerId, 12_50, "Cortesia", "manager-1", LedgerTestKit.NewKey()), new AuditActor("manager-1", "m@test", null, null)));
        var entry = await t.WithDbAsync(db => db.Set<AuditEntry>().AsNoTracking().SingleAsync(a => a.Action == "balance.adjusted"));
        var tenant = await t.WithDbAsync(db => db.Tenants.SingleAsync(x => x.Id == t.Id));

        AuditText.Render(entry, TextContext.For(tenant, RewardType.Cashback, PtBr))
            .Should().Be(("Saldo ajustado", "Saldo de Ana Prado ajustado em R$ 12,50: Cortesia"));
        AuditText.Render(entry, TextContext.For(tenant, RewardType.Cashback, En))
            .Should().Be(("Balance adjusted", "Balance of Ana Prado adjusted by R$12.50: Cortesia"));

        // An entry written before values: its title in pt-BR, the English sentence only for an English reader.
        var old = new AuditEntry { Action = "purchase.refunded", Summary = "Refund of R$ 50,00 (x): cashback reversed R$ 2,50, returned R$ 0,00" };
        AuditText.Render(old, TextContext.For(tenant, RewardType.Cashback, PtBr)).Should().Be(("Devolução registrada", (string?)null));
        AuditText.Render(old, TextContext.For(tenant, RewardType.Cashback, En)).Detail.Should().StartWith("Refund of R$ 50,00");
    }

    [Fact]
    public async Task Import_errors_read_in_the_readers_language()
    {
        var t = await NewTenantAsync(SampleRules.Plain());
        const string csv = "name,phone,email,cpf,birth_date,opening_balance\nAna,not-a-phone,,,,\nBia,11955553333,,,31/02/1990,abc\n";
        await using var scope = t.Scope();
        var result = await scope.Get<ImportCustomers>().ExecuteAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), true, new AuditActor("m", "m@test", null, null));

        var phone = result.Errors.Single(e => e.Line == 2);
        phone.Column.Should().Be("phone");
        ErrorTexts.Render(phone.Text, PtBr).Should().NotBe(ErrorTexts.Render(phone.Text, En));
        ErrorTexts.Render(phone.Text, PtBr).Should().Contain("celular");
        var opening = result.Errors.Single(e => e.Line == 3 && e.Column == "opening_balance");
        ErrorTexts.Render(opening.Text, PtBr).Should().Be("Não é um valor (ex.: 12,50).");
        ErrorTexts.Render(opening.Text, En).Should().Be("Not an amount (e.g. 12,50).");
        ErrorTexts.Render(result.Errors.Single(e => e.Line == 3 && e.Column == "birth_date").Text, PtBr).Should().Be("Use AAAA-MM-DD ou DD/MM/AAAA.");
    }
}
