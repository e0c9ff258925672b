using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Smartbis.Web.Features.Automations;
using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Bench.Micro;

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

/// <summary>RecordPurchase.Earn: what a purchase earns with a Tuesday boost and an excluded category (Velluto's rules).</summary>
[MemoryDiagnoser]
public class CashbackBenchmarks
{
    private readonly ProgramRules rules = new()
    {
        EarnRateBps = 500, ExcludedCategories = ["prescription", "tobacco"], MaxEarnPerPurchaseCents = 100_00,
        Boosts =
        [
            new Boost { Name = "Terça em dobro", RateBps = 1000, Weekdays = [DayOfWeek.Tuesday] },
            new Boost { Name = "Black Friday", RateBps = 1500, StartsOn = new DateOnly(2026, 11, 27), EndsOn = new DateOnly(2026, 11, 29) },
        ],
    };

    private readonly RecordPurchase.Line[] lines =
        [new("cosmetics", 80_00), new("prescription", 40_00), new("vitamins", 25_50)];

    private readonly DateOnly tuesday = new(2026, 11, 24);
    private readonly DateOnly wednesday = new(2026, 11, 25);

    [Benchmark(Baseline = true)]
    public long No_lines() => RecordPurchase.Earn(rules, 145_50, 145_50, [], wednesday).EarnedCents;

    [Benchmark]
    public long Lines_with_exclusion_on_boosted_day() => RecordPurchase.Earn(rules, 145_50, 120_00, lines, tuesday).EarnedCents;
}

/// <summary>Voucher and card codes: unguessable, from the no-look-alike alphabet.</summary>
[MemoryDiagnoser]
public class CodeBenchmarks
{
    [Benchmark]
    public string Voucher_code() => Codes.New(12);

    [Benchmark]
    public string Normalize_typed_code() => Codes.Normalize("nmag-dfeu 9nfu");
}

/// <summary>Liquid templates: the default "cashback available" email (subject, HTML in the brand layout, text).</summary>
[MemoryDiagnoser]
public class TemplateBenchmarks
{
    private TemplateText template = null!;
    private Dictionary<string, string> variables = null!;
    private EmailLayout layout = null!;
    private Tenant tenant = null!;

    [GlobalSetup]
    public void Setup()
    {
        tenant = new Tenant { Slug = "velluto", Name = "Velluto Farmácias", CurrencyName = "Cashback", CreatedAt = DateTimeOffset.UtcNow };
        template = DefaultTemplates.For(Triggers.CashbackAvailable, Channel.Email, "pt-BR");
        variables = TemplateVariables.Sample(tenant, "pt-BR", Triggers.CashbackAvailable, "https://smartbis.example", DateTimeOffset.UtcNow);
        layout = TemplateVariables.Layout(tenant, "pt-BR");
    }

    [Benchmark]
    public string Email() => RenderTemplate.Email(template, variables, layout).Html;

    [Benchmark]
    public string Text() => RenderTemplate.Text(template.Body, variables);
}
