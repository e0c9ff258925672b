using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <summary>
    /// Issue 15: one schema for plain PostgreSQL and a Citus cluster (docs/scaling.md).
    /// - tenant_keys: a reference table that makes an API key's hash and a WhatsApp phone number id unique platform-wide
    ///   and names their tenant; api_keys is now unique per tenant, messaging_settings no longer platform-wide unique
    ///   (a sharded table cannot carry a unique index without tenant_id);
    /// - the tenant context is set with SET LOCAL (Citus sends SET LOCAL to the workers, not set_config);
    /// - schema_distribution and smartbis_distribute(): every table declared distributed (by tenant_id, co-located) or
    ///   reference, in dependency order; on a database with the citus extension they are distributed here.
    /// </summary>
    public partial class ScaleOutWithCitus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messaging_settings_whats_app_phone_number_id",
                table: "messaging_settings");

            migrationBuilder.DropIndex(
                name: "ix_api_keys_key_hash",
                table: "api_keys");

            migrationBuilder.CreateTable(
                name: "tenant_keys",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenant_keys", x => new { x.tenant_id, x.kind, x.key });
                    table.ForeignKey(
                        name: "fk_tenant_keys_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_tenant_id_key_hash",
                table: "api_keys",
                columns: new[] { "tenant_id", "key_hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_tenant_keys_kind_key",
                table: "tenant_keys",
                columns: new[] { "kind", "key" },
                unique: true);

            // What the two platform-wide unique indexes held moves to tenant_keys.
            migrationBuilder.Sql($"""
                INSERT INTO tenant_keys (tenant_id, kind, key, created_at)
                SELECT tenant_id, '{Features.Tenancy.TenantKeyKinds.ApiKey}', key_hash, created_at FROM api_keys;
                INSERT INTO tenant_keys (tenant_id, kind, key, created_at)
                SELECT tenant_id, '{Features.Tenancy.TenantKeyKinds.WhatsAppPhoneNumberId}', whats_app_phone_number_id, updated_at
                FROM messaging_settings WHERE whats_app_phone_number_id IS NOT NULL;
                """);
            Rls.EnableOn(migrationBuilder, "tenant_keys");
            Rls.AllowCrossTenantRead(migrationBuilder, "tenant_keys");

            // SET LOCAL instead of set_config: the same on one PostgreSQL, and the form Citus propagates to the workers
            // (citus.propagate_set_commands = 'local'), so row-level security holds on the shards too.
            migrationBuilder.Sql($"""
                CREATE OR REPLACE PROCEDURE {Rls.SetContextProcedure}(tenant_id uuid, cross_tenant boolean)
                LANGUAGE plpgsql AS $$
                BEGIN
                  EXECUTE format('SET LOCAL {Rls.TenantSetting} = %L', coalesce(tenant_id::text, ''));
                  EXECUTE format('SET LOCAL {Rls.CrossTenantSetting} = %L', CASE WHEN cross_tenant THEN 'on' ELSE '' END);
                END $$;
                """);

            migrationBuilder.Sql(Citus.CreateRegistryAndProcedureSql);
            // Global tables first (reference), then the tenant tables in dependency order: a table after every table
            // it points to.
            Citus.Reference(migrationBuilder, ReferenceTables);
            Citus.Distribute(migrationBuilder, DistributedTables);
        }

        internal static readonly string[] ReferenceTables =
        [
            "data_protection_keys", "roles", "tenants", "users", "role_claims", "user_claims", "user_logins", "user_roles",
            "user_tokens", "tenant_keys",
        ];

        internal static readonly string[] DistributedTables =
        [
            "stores", "attempt_counters", "anomaly_flags", "audit_entries", "automation_settings", "counter_settings", "customers",
            "daily_buyers", "daily_stats", "idempotency_records", "manager_pins", "message_templates", "messaging_settings",
            "onboarding_progress", "outbox_events", "program_rules", "stats_watermarks", "webhook_subscriptions",
            "whatsapp_status_receipts", "accounts", "api_keys", "credit_lots", "customer_consents", "ledger_entries",
            "memberships", "messages", "portal_sessions", "portal_sign_in_codes", "redemption_codes", "referrals",
            "staff_invitations", "vouchers", "webhook_deliveries", "message_attempts", "purchases", "webhook_attempts",
            "purchase_lines", "purchase_refunds",
        ];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // A distributed database stays distributed (undistribute_table is an operator's decision, docs/scaling.md).
            migrationBuilder.Sql($"DROP PROCEDURE IF EXISTS {Citus.DistributeProcedure}(); DROP TABLE IF EXISTS {Citus.RegistryTable};");
            migrationBuilder.Sql($"""
                CREATE OR REPLACE PROCEDURE {Rls.SetContextProcedure}(tenant_id uuid, cross_tenant boolean)
                LANGUAGE sql AS $$
                  SELECT set_config('{Rls.TenantSetting}', coalesce(tenant_id::text, ''), true),
                         set_config('{Rls.CrossTenantSetting}', CASE WHEN cross_tenant THEN 'on' ELSE '' END, true)
                $$;
                """);
            migrationBuilder.DropTable(
                name: "tenant_keys");

            migrationBuilder.DropIndex(
                name: "ix_api_keys_tenant_id_key_hash",
                table: "api_keys");

            migrationBuilder.CreateIndex(
                name: "ix_messaging_settings_whats_app_phone_number_id",
                table: "messaging_settings",
                column: "whats_app_phone_number_id",
                unique: true,
                filter: "whats_app_phone_number_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_api_keys_key_hash",
                table: "api_keys",
                column: "key_hash",
                unique: true);
        }
    }
}
