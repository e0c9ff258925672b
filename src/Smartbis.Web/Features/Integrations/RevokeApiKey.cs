using Microsoft.EntityFrameworkCore;
using Smartbis.Web.Data;
using Smartbis.Web.Features.Audit;
using Smartbis.Web.Infrastructure;

namespace Smartbis.Web.Features.Integrations;

/// <summary>Revokes a key: from the next request on it is refused (401). Revoking twice changes nothing.</summary>
public sealed class RevokeApiKey(SmartbisDb db, TimeProvider clock)
{
    public async Task ExecuteAsync(Guid id, AuditActor actor, CancellationToken ct = default)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct)
                  ?? throw new OperationFailed("not_found", "api_key_not_found", "id", 404);
        if (key.RevokedAt is not null) return;
        var now = clock.GetUtcNow();
        key.RevokedAt = now;
        RecordAudit.Add(db, actor, now, "apikey.revoke", $"API key \"{key.Name}\" ({key.Prefix}…) revoked", "ApiKey", key.Id, values: new { name = key.Name, prefix = key.Prefix });
        await db.SaveChangesAsync(ct);
    }
}
