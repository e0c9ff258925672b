namespace Smartbis.Web.Features.Vouchers;

public static class VouchersSetup
{
    /// <summary>Vouchers: issued by the nightly job, redeemed once, cancelled by a manager.</summary>
    public static IHostApplicationBuilder AddSmartbisVouchers(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddSingleton<IssueVouchers>();
        s.AddScoped<RedeemVoucher>();
        s.AddScoped<CancelVoucher>();
        return builder;
    }
}
