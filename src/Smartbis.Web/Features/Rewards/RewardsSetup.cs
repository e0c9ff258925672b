namespace Smartbis.Web.Features.Rewards;

public static class RewardsSetup
{
    /// <summary>The reward catalogue of points programs: managing rewards, redeeming, delivering, expiring unclaimed ones.</summary>
    public static IHostApplicationBuilder AddSmartbisRewards(this IHostApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddScoped<SaveReward>();
        s.AddScoped<ArchiveReward>();
        s.AddScoped<RedeemReward>();
        s.AddScoped<DeliverReward>();
        s.AddSingleton<ExpireRewardClaims>();
        s.AddScoped<RewardJobs>();
        if (builder.Configuration.GetValue("Smartbis:Hangfire:Workers", 1) > 0 && builder.Configuration.GetValue("Smartbis:Automations:Recurring", true))
            s.AddHostedService<RewardJobsSchedule>();
        return builder;
    }
}
