using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ControlGroupAndResults : Migration
    {
        private static readonly string[] Tables = ["results_settings", "result_cohorts", "result_cohort_months", "result_months", "results_watermarks"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            Citus.SequentialDdl(migrationBuilder);

            migrationBuilder.AddColumn<bool>(
                name: "in_control_group",
                table: "customers",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "result_cohort_months",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    join_month = table.Column<DateOnly>(type: "date", nullable: false),
                    month_offset = table.Column<short>(type: "smallint", nullable: false),
                    members = table.Column<int>(type: "integer", nullable: false),
                    active = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_result_cohort_months", x => new { x.tenant_id, x.join_month, x.month_offset });
                    table.ForeignKey(
                        name: "fk_result_cohort_months_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "result_cohorts",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    join_month = table.Column<DateOnly>(type: "date", nullable: false),
                    in_control_group = table.Column<bool>(type: "boolean", nullable: false),
                    members = table.Column<int>(type: "integer", nullable: false),
                    eligible30 = table.Column<int>(type: "integer", nullable: false),
                    returned30 = table.Column<int>(type: "integer", nullable: false),
                    eligible60 = table.Column<int>(type: "integer", nullable: false),
                    returned60 = table.Column<int>(type: "integer", nullable: false),
                    eligible90 = table.Column<int>(type: "integer", nullable: false),
                    returned90 = table.Column<int>(type: "integer", nullable: false),
                    repeaters = table.Column<int>(type: "integer", nullable: false),
                    purchases = table.Column<long>(type: "bigint", nullable: false),
                    purchases_squares = table.Column<double>(type: "double precision", nullable: false),
                    revenue_cents = table.Column<long>(type: "bigint", nullable: false),
                    revenue_squares = table.Column<double>(type: "double precision", nullable: false),
                    ticket_squares = table.Column<double>(type: "double precision", nullable: false),
                    credited_units = table.Column<long>(type: "bigint", nullable: false),
                    redeemed_units = table.Column<long>(type: "bigint", nullable: false),
                    vouchers_redeemed_cents = table.Column<long>(type: "bigint", nullable: false),
                    emails = table.Column<int>(type: "integer", nullable: false),
                    whats_apps = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_result_cohorts", x => new { x.tenant_id, x.join_month, x.in_control_group });
                    table.ForeignKey(
                        name: "fk_result_cohorts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "result_months",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    month = table.Column<DateOnly>(type: "date", nullable: false),
                    identified_purchases = table.Column<int>(type: "integer", nullable: false),
                    identified_revenue_cents = table.Column<long>(type: "bigint", nullable: false),
                    walk_in_purchases = table.Column<int>(type: "integer", nullable: false),
                    walk_in_revenue_cents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_result_months", x => new { x.tenant_id, x.month });
                    table.ForeignKey(
                        name: "fk_result_months_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "results_settings",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    effective_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    control_group_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    share_bps = table.Column<int>(type: "integer", nullable: false),
                    no_boosts = table.Column<bool>(type: "boolean", nullable: false),
                    starts_on = table.Column<DateOnly>(type: "date", nullable: false),
                    email_cost_cents = table.Column<long>(type: "bigint", nullable: false),
                    whats_app_cost_cents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_results_settings", x => new { x.tenant_id, x.version });
                    table.ForeignKey(
                        name: "fk_results_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "results_watermarks",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rolled_up_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_results_watermarks", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_results_watermarks_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            foreach (var table in Tables) Rls.EnableOn(migrationBuilder, table);
            Citus.Distribute(migrationBuilder, Tables);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "result_cohort_months");

            migrationBuilder.DropTable(
                name: "result_cohorts");

            migrationBuilder.DropTable(
                name: "result_months");

            migrationBuilder.DropTable(
                name: "results_settings");

            migrationBuilder.DropTable(
                name: "results_watermarks");

            migrationBuilder.DropColumn(
                name: "in_control_group",
                table: "customers");
        }
    }
}
