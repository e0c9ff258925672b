using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Onboarding;

/// <summary>Hides the onboarding checklist from the overview.</summary>
public sealed class DismissChecklist(SmartbisDb db, TimeProvider clock)
{
    public async Task ExecuteAsync(CancellationToken ct = default)
    {
        var progress = await OnboardingProgress.FindOrAddAsync(db, ct);
        progress.DismissedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }
}
