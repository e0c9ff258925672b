using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Features.Tenancy;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Counter;

/// <summary>A manager or owner sets their own counter PIN (4 to 8 digits), stored with Identity's password hasher.</summary>
public sealed class SetManagerPin(SmartbisDb db, TimeProvider clock, IPasswordHasher<AppUser> hasher)
{
    public async Task ExecuteAsync(CurrentStaff staff, string? pin, AuditActor actor, CancellationToken ct = default)
    {
        if (!staff.IsManager || staff.Membership is null)
            throw new OperationFailed("forbidden", "pin_managers_only", "", 403);
        var v = new Validation();
        v.Check(pin is { Length: >= 4 and <= 8 } && pin.All(char.IsAsciiDigit), "pin", "pin_format");
        v.Check(pin is null || pin.Distinct().Count() > 1, "pin", "pin_repeated");
        v.ThrowIfInvalid();
        var userId = staff.Membership.UserId;
        var row = await db.ManagerPins.SingleOrDefaultAsync(p => p.UserId == userId, ct);
        var hash = hasher.HashPassword(new AppUser { Id = userId }, pin!);
        if (row is null) db.ManagerPins.Add(new ManagerPin { UserId = userId, PinHash = hash, UpdatedAt = clock.GetUtcNow() });
        else { row.PinHash = hash; row.UpdatedAt = clock.GetUtcNow(); }
        RecordAudit.Add(db, actor, clock.GetUtcNow(), "manager_pin.set", "Counter PIN set", "user", userId);
        await db.SaveChangesAsync(ct);
    }
}
