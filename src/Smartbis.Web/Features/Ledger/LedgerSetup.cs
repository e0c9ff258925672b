namespace Smartbis.Web.Features.Ledger;

public static class LedgerSetup
{
    /// <summary>The ledger: the unit every write runs in, manual adjustments, bonuses and the nightly release/expiry.</summary>
    public static IHostApplicationBuilder AddSmartbisLedger(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<LedgerUnit>();
        s.AddScoped<AdjustBalance>();
        s.AddScoped<GrantBonus>();
        s.AddSingleton<ReleasePendingCredits>();
        s.AddSingleton<ExpireCredits>();
        return builder;
    }
}
