using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Onboarding;

/// <summary>Ticks the checklist's "share your join page" step (the owner copied or downloaded the link or QR code); the first time counts.</summary>
public sealed class MarkJoinPageShared(SmartbisDb db, TimeProvider clock)
{
    public async Task ExecuteAsync(CancellationToken ct = default)
    {
        var progress = await OnboardingProgress.FindOrAddAsync(db, ct);
        progress.JoinPageSharedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }
}
