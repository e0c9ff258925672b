using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Smartbis.Web.Data;

namespace Smartbis.Web.Features.Campaigns;

/// <summary>
/// THE recipient selection of a campaign (planning and preview use this one statement): the tenant's active members in
/// the campaign's segment (the stored nightly assignment) or with its tag, or every member, each with their holdout draw;
/// never the program's control group while it holds out (<see cref="Results.ControlGroup"/>: no campaign messages).
/// The draw is random per campaign and stable: the first 32 bits of md5(campaign id, customer id) below the holdout share
/// — so the preview counts exactly who the planning will hold out, and a re-run draws the same. Every table is read with
/// the tenant's id, so on a Citus cluster the statement runs on the tenant's shard.
/// </summary>
public static class CampaignAudience
{
    /// <summary>Columns: tenant_id, customer_id, name, email, phone, email_consent, whats_app_consent, holdout.</summary>
    public const string Sql = """
        SELECT c.tenant_id, c.id AS customer_id, c.name, c.email, c.phone, c.email_consent, c.whats_app_consent,
               (('x' || substr(md5(@campaign::text || c.id::text), 1, 8))::bit(32)::bigint % 10000) < @holdout_bps AS holdout
        FROM customers c
        WHERE c.tenant_id = @tenant AND c.joined_at IS NOT NULL AND c.status = 'Active'
          AND (@segment::text IS NULL OR EXISTS (SELECT 1 FROM customer_segments s
                                               WHERE s.tenant_id = @tenant AND s.customer_id = c.id AND s.segment = @segment::text))
          AND (@tag::uuid IS NULL OR EXISTS (SELECT 1 FROM customer_tags t WHERE t.tenant_id = @tenant AND t.customer_id = c.id AND t.tag_id = @tag::uuid))
          AND NOT (@control_group_holds_out AND c.in_control_group)
        """;

    /// <summary>
    /// The statement's parameters for a campaign (fresh objects each call: a parameter belongs to one command), with the
    /// program's control group in force now (<see cref="Results.ControlGroup.HoldsOut"/>, the rule automations follow too).
    /// </summary>
    public static async Task<NpgsqlParameter[]> ParametersAsync(SmartbisDb db, Campaign c, CancellationToken ct = default) =>
        Parameters(c, Results.ControlGroup.HoldsOut(await Results.ControlGroup.InForceAsync(db, ct)));

    private static NpgsqlParameter[] Parameters(Campaign c, bool controlGroupHoldsOut) =>
    [
        new("control_group_holds_out", NpgsqlDbType.Boolean) { Value = controlGroupHoldsOut },
        new("tenant", NpgsqlDbType.Uuid) { Value = c.TenantId },
        new("campaign", NpgsqlDbType.Uuid) { Value = c.Id },
        new("holdout_bps", NpgsqlDbType.Integer) { Value = c.HoldoutPercent * 100 },
        new("segment", NpgsqlDbType.Text) { Value = (object?)c.Segment?.ToString() ?? DBNull.Value },
        new("tag", NpgsqlDbType.Uuid) { Value = (object?)c.TagId ?? DBNull.Value },
    ];

    /// <summary>Whether a member of the audience can be messaged on the campaign's channels (consent and an address), in SQL on the audience's columns.</summary>
    public static string Reachable(Campaign c) =>
        $"(({(c.Email ? "true" : "false")} AND a.email_consent AND coalesce(a.email, '') <> '') OR ({(c.WhatsApp ? "true" : "false")} AND a.whats_app_consent AND coalesce(a.phone, '') <> ''))";

    public sealed record Preview(int Audience, int Holdout, int Unreachable, int Recipients, IReadOnlyList<string> Sample);

    /// <summary>Who would receive it now: the audience, the held-out share, those without consent, and a sample of names of the rest.</summary>
    public static async Task<Preview> PreviewAsync(SmartbisDb db, Campaign c, CancellationToken ct = default)
    {
        // Only constants of this class and the campaign's two channel flags are put into the text; the values are parameters.
        var countsSql = $"""
            SELECT count(*)::int AS audience, (count(*) FILTER (WHERE a.holdout))::int AS holdout,
                   (count(*) FILTER (WHERE NOT a.holdout AND NOT {Reachable(c)}))::int AS unreachable,
                   (count(*) FILTER (WHERE NOT a.holdout AND {Reachable(c)}))::int AS recipients
            FROM ({Sql}) a
            """;
        var sampleSql = $"""
            SELECT a.name AS "Value" FROM ({Sql}) a WHERE NOT a.holdout AND {Reachable(c)} ORDER BY a.name, a.customer_id LIMIT 10
            """;
        var counts = await db.Database.SqlQueryRaw<PreviewCounts>(countsSql, await ParametersAsync(db, c, ct)).SingleAsync(ct);
        var sample = await db.Database.SqlQueryRaw<string>(sampleSql, await ParametersAsync(db, c, ct)).ToListAsync(ct);
        return new Preview(counts.Audience, counts.Holdout, counts.Unreachable, counts.Recipients, sample);
    }

    private sealed record PreviewCounts(int Audience, int Holdout, int Unreachable, int Recipients);
}
