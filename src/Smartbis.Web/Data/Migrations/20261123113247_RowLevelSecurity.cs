using Microsoft.EntityFrameworkCore.Migrations;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <summary>
    /// Row-level security on every tenant-owned table (the tables of the ITenantOwned entities in the model when this
    /// was written; RowLevelSecurityTests fails for any tenant-owned table added later without its policy).
    /// </summary>
    public partial class RowLevelSecurity : Migration
    {
        internal static readonly string[] TenantTables =
        [
            "accounts", "anomaly_flags", "api_keys", "audit_entries", "automation_settings", "counter_settings",
            "credit_lots", "customer_consents", "customers", "daily_stats", "idempotency_records", "ledger_entries",
            "manager_pins", "memberships", "message_attempts", "message_templates", "messages", "messaging_settings",
            "onboarding_progress", "outbox_events", "portal_sign_in_codes", "program_rules", "purchase_lines",
            "purchase_refunds", "purchases", "redemption_codes", "referrals", "staff_invitations", "stats_watermarks",
            "stores", "vouchers", "webhook_attempts", "webhook_deliveries", "webhook_subscriptions",
            "whatsapp_status_receipts",
        ];

        /// <summary>Tables that CrossTenantRead may read across tenants (see CrossTenantPurpose for who and why).</summary>
        internal static readonly string[] CrossTenantReadable =
        [
            "api_keys", "memberships", "messages", "outbox_events", "staff_invitations", "stores", "webhook_deliveries",
            "webhook_subscriptions",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // CALL returns no result set, so it can lead any command without changing what the command returns.
            migrationBuilder.Sql($"""
                CREATE PROCEDURE {Rls.SetContextProcedure}(tenant_id uuid, cross_tenant boolean)
                LANGUAGE sql AS $$
                  SELECT set_config('{Rls.TenantSetting}', coalesce(tenant_id::text, ''), true),
                         set_config('{Rls.CrossTenantSetting}', CASE WHEN cross_tenant THEN 'on' ELSE '' END, true)
                $$;
                """);
            foreach (var table in TenantTables) Rls.EnableOn(migrationBuilder, table);
            foreach (var table in CrossTenantReadable) Rls.AllowCrossTenantRead(migrationBuilder, table);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in CrossTenantReadable) migrationBuilder.Sql($"DROP POLICY IF EXISTS {Rls.CrossTenantPolicy} ON {table};");
            foreach (var table in TenantTables)
            {
                migrationBuilder.Sql($"DROP POLICY IF EXISTS {Rls.TenantPolicy} ON {table};");
                migrationBuilder.Sql($"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;");
                migrationBuilder.Sql($"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;");
            }
            migrationBuilder.Sql($"DROP PROCEDURE IF EXISTS {Rls.SetContextProcedure}(uuid, boolean);");
        }
    }
}
