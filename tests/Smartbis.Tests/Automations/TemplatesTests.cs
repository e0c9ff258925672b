using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Tenancy;

namespace Smartbis.Tests.Automations;

public sealed class TemplatesTests
{
    private static readonly Tenant Shop = new() { Slug = "aurora", Name = "Aurora", CurrencyName = "AuroraCash", TimeZone = "America/Sao_Paulo" };

    public static TheoryData<string, string> Defaults()
    {
        var data = new TheoryData<string, string>();
        foreach (var t in Triggers.All) foreach (var l in DefaultTemplates.Locales) data.Add(t.Key, l);
        return data;
    }

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Every_default_template_renders_in_both_languages_without_errors(string trigger, string locale)
    {
        var email = DefaultTemplates.For(trigger, Channel.Email, locale);
        RenderTemplate.Validate(trigger, email.Subject, email.Body).Should().BeEmpty();
        var whatsApp = DefaultTemplates.For(trigger, Channel.WhatsApp, locale);
        RenderTemplate.Validate(trigger, whatsApp.Subject, whatsApp.Body).Should().BeEmpty();
        whatsApp.WhatsAppParameters!.Split(',').Should().OnlyContain(p => Triggers.Find(trigger)!.Variables.Contains(p));

        var vars = TemplateVariables.Sample(Shop, locale, trigger, "https://smartbis.test", new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
        var rendered = RenderTemplate.Email(email, vars, TemplateVariables.Layout(Shop, locale));
        rendered.Subject.Should().NotBeNullOrWhiteSpace().And.NotContain("{{").And.NotContain("{%");
        rendered.Html.Should().Contain("Aurora").And.NotContain("{{").And.Contain("https://smartbis.test/unsubscribe/sample");
        rendered.Text.Should().Contain(vars["first_name"]).And.NotContain("<p");
    }

    [Fact]
    public void A_template_using_an_unknown_variable_gets_a_clear_editor_error()
    {
        var errors = RenderTemplate.Validate(Triggers.Welcome, "Hi {{ first_name }}", "Your code: {{ voucher_code }} {{ customer.email }}");
        errors.Should().HaveCount(2);
        errors.Should().Contain(e => e.Contains("unknown variable \"voucher_code\"") && e.Contains("first_name"));
        errors.Should().Contain(e => e.Contains("unknown variable \"customer"));
        RenderTemplate.Validate(Triggers.Welcome, "Hi {{ first_name ", "x").Should().ContainSingle().Which.Should().StartWith("Subject:");
    }

    [Fact]
    public void Quiet_hours_move_a_late_message_to_the_morning_and_leave_daytime_alone()
    {
        var from = new TimeOnly(21, 0);
        var until = new TimeOnly(8, 0);
        QuietHours.NextAllowed(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero), "America/Sao_Paulo", from, until)
            .Should().Be(new DateTimeOffset(2026, 3, 2, 15, 0, 0, TimeSpan.Zero));
        QuietHours.NextAllowed(new DateTimeOffset(2026, 3, 3, 0, 30, 0, TimeSpan.Zero), "America/Sao_Paulo", from, until)
            .Should().Be(new DateTimeOffset(2026, 3, 3, 11, 0, 0, TimeSpan.Zero), "21:30 local waits until 08:00 next day");
        QuietHours.NextAllowed(new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.Zero), "America/Sao_Paulo", from, until)
            .Should().Be(new DateTimeOffset(2026, 3, 3, 11, 0, 0, TimeSpan.Zero), "05:00 local waits until 08:00 the same day");
    }
}
