using Smartbis.Web.Features.Customers;
using Smartbis.Web.Features.Programs;
using Smartbis.Web.Features.Purchases;
using Smartbis.Web.Features.Vouchers;

namespace Smartbis.Web.Features.Ledger;

public static class LedgerSetup
{
    /// <summary>The ledger's operations: plain classes a page, endpoint or job asks for by name.</summary>
    public static IHostApplicationBuilder AddSmartbisLedger(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<LedgerUnit>();
        s.AddScoped<SaveProgramRules>();
        s.AddScoped<EnrollCustomer>();
        s.AddScoped<RecordPurchase>();
        s.AddScoped<RefundPurchase>();
        s.AddScoped<RedeemVoucher>();
        s.AddScoped<CancelVoucher>();
        s.AddScoped<AdjustBalance>();
        s.AddScoped<GrantBonus>();
        s.AddSingleton<ReleasePendingCredits>();
        s.AddSingleton<ExpireCredits>();
        s.AddSingleton<IssueVouchers>();
        return builder;
    }
}
