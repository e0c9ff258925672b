using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Smartbis.Tests.Counter;
using Smartbis.Tests.Infrastructure;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Counter;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Portal;

namespace Smartbis.Tests.Notifications;

/// <summary>Codes and invitations are worded by Liquid templates in pt-BR and en, and arrive by real SMTP in the person's language.</summary>
public sealed partial class TransactionalTemplatesTests(SmtpDatabaseFixture fixture) : IClassFixture<SmtpDatabaseFixture>
{
    public static TheoryData<string, string> EveryEmailAndLanguage()
    {
        var data = new TheoryData<string, string>();
        foreach (var t in TransactionalTemplates.All)
            foreach (var locale in DefaultTemplates.Locales)
                data.Add(t.Key, locale);
        return data;
    }

    private static Dictionary<string, string> Sample(TransactionalInfo info) => info.Variables.ToDictionary(v => v, v => v switch
    {
        "code" => "482913",
        "role" => "manager",
        "invitation_link" => "https://smartbis.test/signup/invite/tok?a=1&b=2",
        _ => $"<{v}> & \"x\"", // markup in a value must come out encoded in the HTML
    });

    [Theory]
    [MemberData(nameof(EveryEmailAndLanguage))]
    public void Every_transactional_email_has_its_own_wording_in_each_language_and_renders_with_its_variables(string key, string locale)
    {
        var info = TransactionalTemplates.Find(key);
        var template = TransactionalTemplates.For(key, locale);
        var other = TransactionalTemplates.For(key, locale == "en" ? "pt-BR" : "en");
        template.Subject.Should().NotBe(other.Subject, "each language has its own words");
        template.Text.Should().NotBe(other.Text);
        RenderTemplate.Validate(info.Variables, ("Subject", template.Subject), ("Text", template.Text), ("Html", template.Html))
            .Should().BeEmpty("only the email's own variables, no syntax errors");

        var values = Sample(info);
        var mail = RenderTemplate.Transactional(key, locale, values);

        foreach (var part in new[] { mail.Subject, mail.Text, mail.Html })
        {
            part.Should().NotBeNullOrWhiteSpace();
            part.Should().NotContain("{{").And.NotContain("}}").And.NotContain("{%").And.NotContain("%}");
        }
        foreach (var (name, value) in values.Where(kv => kv.Key != "role"))
        {
            mail.Text.Should().Contain(value, $"the text shows {name} as it is");
            mail.Html.Should().Contain(System.Net.WebUtility.HtmlEncode(value), $"the HTML shows {name} encoded");
        }
        mail.Html.Should().NotContain("<brand>").And.NotContain("<customer_name>");
        if (values.ContainsKey("code"))
        {
            mail.Subject.Should().Contain("482913");
            mail.Html.Should().Contain("<strong>482913</strong>", "the code stands out on its own line");
        }
    }

    [Fact]
    public void The_words_are_the_ones_the_emails_always_sent()
    {
        var code = new Dictionary<string, string> { ["code"] = "123456", ["minutes"] = "10", ["brand"] = "Padaria Sol", ["customer_name"] = "Ana Lima" };
        RenderTemplate.Transactional(TransactionalTemplates.SignInCode, "pt-BR", code).Subject.Should().Be("123456 é o seu código de acesso — Padaria Sol");
        RenderTemplate.Transactional(TransactionalTemplates.SignInCode, "en", code).Subject.Should().Be("123456 is your sign-in code — Padaria Sol");
        var deletion = RenderTemplate.Transactional(TransactionalTemplates.DeletionCode, "pt-BR", code);
        deletion.Subject.Should().Be("123456 confirma a exclusão da sua conta — Padaria Sol");
        deletion.Text.Should().Be("Olá, Ana Lima. Para confirmar a exclusão da sua conta no programa Padaria Sol, informe o código 123456. Ele vale por 10 minutos. Se não foi você, ignore este email e sua conta continua como está.");
        deletion.Html.Should().Be($"<p>{deletion.Text}</p><p style=\"font-size:2rem;letter-spacing:.3rem\"><strong>123456</strong></p>");

        var redemption = RenderTemplate.Transactional(TransactionalTemplates.RedemptionCode, "pt-BR", new Dictionary<string, string>(code) { ["amount"] = "R$ 100,00" });
        redemption.Subject.Should().Be("Seu código 123456 para usar R$ 100,00 na Padaria Sol");

        foreach (var (role, pt) in new[] { ("owner", "proprietário(a)"), ("manager", "gerente"), ("cashier", "caixa") })
        {
            var values = new Dictionary<string, string> { ["role"] = role, ["brand"] = "Padaria Sol", ["invitation_link"] = "https://x.test/i/1", ["valid_until"] = "12/12/2026" };
            var ptMail = RenderTemplate.Transactional(TransactionalTemplates.StaffInvitation, "pt-BR", values);
            ptMail.Subject.Should().Be("Convite para a equipe de Padaria Sol no Smartbis");
            ptMail.Text.Should().Be($"Você foi convidado(a) para trabalhar como {pt} em Padaria Sol.\n\nAceite o convite: https://x.test/i/1\n\nO link vale até 12/12/2026 e pode ser usado uma vez.");
            ptMail.Html.Should().StartWith($"<p>Você foi convidado(a) para trabalhar como <strong>{pt}</strong> em <strong>Padaria Sol</strong>.</p>");
            RenderTemplate.Transactional(TransactionalTemplates.StaffInvitation, "en", values).Text
                .Should().StartWith($"You have been invited to work as {role} at Padaria Sol.");
        }
    }

    [Fact]
    public void A_missing_or_unknown_variable_is_a_programming_error_not_an_empty_gap()
    {
        var values = new Dictionary<string, string> { ["code"] = "123456", ["minutes"] = "10", ["brand"] = "Padaria Sol" };
        FluentActions.Invoking(() => RenderTemplate.Transactional(TransactionalTemplates.SignInCode, "en", values))
            .Should().Throw<ArgumentException>().WithMessage("*customer_name*");
        values["customer_name"] = "Ana";
        values["first_name"] = "Ana";
        FluentActions.Invoking(() => RenderTemplate.Transactional(TransactionalTemplates.SignInCode, "en", values))
            .Should().Throw<ArgumentException>().WithMessage("*first_name*");
    }

    [Fact]
    public async Task Code_emails_arrive_by_smtp_in_the_customers_language_else_the_businesss()
    {
        var kit = await CounterKit.CreateAsync(fixture, "tx-mail");
        await using var scope = kit.Scope();
        var brand = await scope.Db.Tenants.Where(x => x.Id == kit.Tenant.Id).Select(x => x.Name).SingleAsync();
        var english = (await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request(
            "Ann <b>Lee</b>", null, "ann@tx-mail.test", EmailConsent: true, Locale: "en"))).CustomerId;
        var tenants = (await scope.Get<EnrollCustomer>().ExecuteAsync(new EnrollCustomer.Request(
            "Bia Souza", null, "bia@tx-mail.test", EmailConsent: true))).CustomerId; // no language of her own: the business's pt-BR

        await scope.Get<SendSignInCode>().ExecuteAsync(english, CodePurpose.SignIn);
        await scope.Get<SendSignInCode>().ExecuteAsync(tenants, CodePurpose.SignIn);
        await scope.Get<SendRedemptionCode>().ExecuteAsync(english, 80_00, AuditActor.System);

        var en = await fixture.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains("ann@tx-mail.test") && (m.Subject ?? "").Contains("sign-in"));
        var code = Regex.Match(en.Subject ?? "", @"^(\d{6}) is your sign-in code — (.+)$");
        code.Success.Should().BeTrue(en.Subject);
        code.Groups[2].Value.Should().Be(brand);
        en.TextBody.Should().Contain($"Hello Ann <b>Lee</b>. Your code to sign in to the {brand} program is {code.Groups[1].Value}.");
        en.HtmlBody.Should().Contain("Hello Ann &lt;b&gt;Lee&lt;/b&gt;.").And.Contain($"<strong>{code.Groups[1].Value}</strong>");

        var pt = await fixture.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains("bia@tx-mail.test"));
        Regex.IsMatch(pt.Subject ?? "", $@"^\d{{6}} é o seu código de acesso — {Regex.Escape(brand)}$").Should().BeTrue(pt.Subject);
        pt.TextBody.Should().Contain("Olá, Bia Souza. Seu código para entrar no programa").And.Contain("Ele vale por 10 minutos.");

        var redemption = await fixture.Smtp.WaitForMessageAsync(m => m.To.ToString().Contains("ann@tx-mail.test") && (m.Subject ?? "").StartsWith("Your code"));
        Regex.IsMatch(redemption.Subject ?? "", $@"^Your code \d{{6}} to use R\$\s80,00 at {Regex.Escape(brand)}$").Should().BeTrue(redemption.Subject);
        redemption.TextBody.Should().Contain("It is valid for").And.NotContain("{{");
    }
}
