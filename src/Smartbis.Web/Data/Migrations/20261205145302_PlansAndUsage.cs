using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <summary>
    /// Issue 17 (plans, limits, usage): the price list as data (plans, a Citus reference table seeded with Free, Growth
    /// and Pro, and plan_edits, the operator's edits of it); tenants.plan (the old enum's name) becomes plan_code (values
    /// kept, lower-cased; no foreign key: tenants is declared to Citus before plans) with a trial end; usage_months
    /// (counters per tenant and month), plan_notices (threshold notices sent), limit_graces (since when a limit with a
    /// grace period is reached) and upgrade_requests, all tenant-owned: tenant_id first, RLS forced, distributed; the
    /// operator reads usage and upgrade requests across tenants (cross_tenant_read).
    /// </summary>
    public partial class PlansAndUsage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "plan",
                table: "tenants",
                newName: "plan_code");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "trial_ends_at",
                table: "tenants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "limit_graces",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    metric = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_limit_graces", x => new { x.tenant_id, x.metric });
                });

            migrationBuilder.CreateTable(
                name: "plan_notices",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    metric = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    threshold = table.Column<int>(type: "integer", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_notices", x => new { x.tenant_id, x.month, x.metric, x.threshold });
                });

            migrationBuilder.CreateTable(
                name: "plans",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    price_cents = table.Column<long>(type: "bigint", nullable: false),
                    currency_code = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    max_members = table.Column<int>(type: "integer", nullable: true),
                    max_stores = table.Column<int>(type: "integer", nullable: true),
                    max_staff = table.Column<int>(type: "integer", nullable: true),
                    max_emails_per_month = table.Column<int>(type: "integer", nullable: true),
                    max_whats_app_per_month = table.Column<int>(type: "integer", nullable: true),
                    whats_app_allowed = table.Column<bool>(type: "boolean", nullable: false),
                    api_access = table.Column<bool>(type: "boolean", nullable: false),
                    automations_allowed = table.Column<bool>(type: "boolean", nullable: false),
                    trial_days = table.Column<int>(type: "integer", nullable: false),
                    @public = table.Column<bool>(name: "public", type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plans", x => x.code);
                    table.CheckConstraint("ck_plans_limits", "coalesce(max_members, 0) >= 0 AND coalesce(max_stores, 1) >= 1 AND coalesce(max_staff, 1) >= 1 AND coalesce(max_emails_per_month, 0) >= 0 AND coalesce(max_whats_app_per_month, 0) >= 0 AND trial_days BETWEEN 0 AND 90 AND price_cents >= 0");
                });

            migrationBuilder.CreateTable(
                name: "upgrade_requests",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_plan_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    to_plan_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    requested_by_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_upgrade_requests", x => new { x.tenant_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "usage_months",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    members_joined = table.Column<int>(type: "integer", nullable: false),
                    purchases = table.Column<int>(type: "integer", nullable: false),
                    emails_sent = table.Column<int>(type: "integer", nullable: false),
                    whats_app_sent = table.Column<int>(type: "integer", nullable: false),
                    api_calls = table.Column<long>(type: "bigint", nullable: false),
                    members = table.Column<int>(type: "integer", nullable: false),
                    active_members = table.Column<int>(type: "integer", nullable: false),
                    stores = table.Column<int>(type: "integer", nullable: false),
                    staff = table.Column<int>(type: "integer", nullable: false),
                    plan_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    measured_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_usage_months", x => new { x.tenant_id, x.month });
                });

            migrationBuilder.CreateTable(
                name: "plan_edits",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    plan_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    @operator = table.Column<string>(name: "operator", type: "character varying(256)", maxLength: 256, nullable: false),
                    before = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    after = table.Column<JsonDocument>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_edits", x => x.id);
                    table.ForeignKey(
                        name: "fk_plan_edits_plans_plan_code",
                        column: x => x.plan_code,
                        principalTable: "plans",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_plan_edits_plan_code_at",
                table: "plan_edits",
                columns: new[] { "plan_code", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_upgrade_requests_tenant_id_status",
                table: "upgrade_requests",
                columns: new[] { "tenant_id", "status" });

            migrationBuilder.Sql("""
                INSERT INTO plans (code, name, position, price_cents, currency_code, max_members, max_stores, max_staff,
                                   max_emails_per_month, max_whats_app_per_month, whats_app_allowed, api_access, automations_allowed,
                                   trial_days, public, updated_at) VALUES
                  ('free',   'Free',   0,     0, 'BRL',   500,  1,  2,   1000,     0, false, false, true,   0, true, now()),
                  ('growth', 'Growth', 1, 14900, 'BRL',  5000,  3, 10,  20000,  2000, true,  true,  true,  14, true, now()),
                  ('pro',    'Pro',    2, 49900, 'BRL', 50000, 20, 50, 200000, 20000, true,  true,  true,  14, true, now());
                UPDATE tenants SET plan_code = lower(plan_code);
                UPDATE tenants SET plan_code = 'free' WHERE plan_code NOT IN ('free', 'growth', 'pro'); -- literal: on Citus, tenants (reference) cannot be updated from the still local plans
                """);
            foreach (var table in new[] { "usage_months", "plan_notices", "limit_graces", "upgrade_requests" })
                Rls.EnableOn(migrationBuilder, table);
            Rls.AllowCrossTenantRead(migrationBuilder, "usage_months");
            Rls.AllowCrossTenantRead(migrationBuilder, "upgrade_requests");
            Citus.Reference(migrationBuilder, "plans", "plan_edits");
            Citus.Distribute(migrationBuilder, "usage_months", "plan_notices", "limit_graces", "upgrade_requests");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "limit_graces");

            migrationBuilder.DropTable(
                name: "plan_edits");

            migrationBuilder.DropTable(
                name: "plan_notices");

            migrationBuilder.DropTable(
                name: "upgrade_requests");

            migrationBuilder.DropTable(
                name: "usage_months");

            migrationBuilder.DropTable(
                name: "plans");

            migrationBuilder.DropColumn(
                name: "trial_ends_at",
                table: "tenants");

            migrationBuilder.RenameColumn(
                name: "plan_code",
                table: "tenants",
                newName: "plan");

            migrationBuilder.Sql("UPDATE tenants SET plan = initcap(plan);");
        }
    }
}
