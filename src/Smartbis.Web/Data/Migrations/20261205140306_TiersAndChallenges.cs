using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Smartbis.Web.Data;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TiersAndChallenges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "challenges",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    description = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    target = table.Column<long>(type: "bigint", nullable: false),
                    store_id = table.Column<Guid>(type: "uuid", nullable: true),
                    starts_on = table.Column<DateOnly>(type: "date", nullable: false),
                    ends_on = table.Column<DateOnly>(type: "date", nullable: false),
                    bonus = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_challenges", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_challenges_bonus", "bonus > 0");
                    table.CheckConstraint("ck_challenges_dates", "ends_on >= starts_on");
                    table.CheckConstraint("ck_challenges_target", "target > 0");
                    table.ForeignKey(
                        name: "fk_challenges_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "customer_tiers",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    achieved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reminded_for = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_tiers", x => new { x.tenant_id, x.customer_id });
                    table.CheckConstraint("ck_customer_tiers_rank", "rank >= 0");
                });

            migrationBuilder.CreateTable(
                name: "tier_daily_members",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    rank = table.Column<int>(type: "integer", nullable: false),
                    level_name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    members = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tier_daily_members", x => new { x.tenant_id, x.day, x.rank });
                    table.ForeignKey(
                        name: "fk_tier_daily_members_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "tier_programs",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    effective_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    measure = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    window_months = table.Column<int>(type: "integer", nullable: false),
                    review_period = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    reminder_days = table.Column<int>(type: "integer", nullable: false),
                    levels = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tier_programs", x => new { x.tenant_id, x.version });
                    table.ForeignKey(
                        name: "fk_tier_programs_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "tier_reviews",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    review_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ran_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    downgraded = table.Column<int>(type: "integer", nullable: false),
                    upgraded = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tier_reviews", x => new { x.tenant_id, x.review_at });
                    table.ForeignKey(
                        name: "fk_tier_reviews_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "challenge_awards",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    challenge_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purchase_id = table.Column<Guid>(type: "uuid", nullable: true),
                    bonus = table.Column<long>(type: "bigint", nullable: false),
                    awarded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_challenge_awards", x => new { x.tenant_id, x.challenge_id, x.customer_id });
                    table.ForeignKey(
                        name: "fk_challenge_awards_challenges_tenant_id_challenge_id",
                        columns: x => new { x.tenant_id, x.challenge_id },
                        principalTable: "challenges",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_challenge_awards_tenant_id_customer_id",
                table: "challenge_awards",
                columns: new[] { "tenant_id", "customer_id" });

            migrationBuilder.CreateIndex(
                name: "ix_challenges_tenant_id_ends_on",
                table: "challenges",
                columns: new[] { "tenant_id", "ends_on" });

            migrationBuilder.CreateIndex(
                name: "ix_challenges_tenant_id_store_id",
                table: "challenges",
                columns: new[] { "tenant_id", "store_id" });

            migrationBuilder.CreateIndex(
                name: "ix_tier_programs_tenant_id_effective_from",
                table: "tier_programs",
                columns: new[] { "tenant_id", "effective_from" });

            foreach (var table in Tables) Rls.EnableOn(migrationBuilder, table);
            Citus.Distribute(migrationBuilder, Tables);
            // Keys to tables already distributed (customers, stores) come after the new tables are distributed too: Citus refuses a
            // key from a local table to a distributed one (docs/scaling.md).
            migrationBuilder.AddForeignKey(
                name: "fk_challenges_stores_tenant_id_store_id",
                table: "challenges",
                columns: new[] { "tenant_id", "store_id" },
                principalTable: "stores",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Restrict);
            migrationBuilder.AddForeignKey(
                name: "fk_customer_tiers_customers_tenant_id_customer_id",
                table: "customer_tiers",
                columns: new[] { "tenant_id", "customer_id" },
                principalTable: "customers",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);
            migrationBuilder.AddForeignKey(
                name: "fk_challenge_awards_customers_tenant_id_customer_id",
                table: "challenge_awards",
                columns: new[] { "tenant_id", "customer_id" },
                principalTable: "customers",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Restrict);
        }

        /// <summary>Issue 16 (tiers and challenges): every new table is a tenant table, sharded with the tenant's other rows.</summary>
        internal static readonly string[] Tables =
            ["tier_programs", "customer_tiers", "tier_reviews", "tier_daily_members", "challenges", "challenge_awards"];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "challenge_awards");

            migrationBuilder.DropTable(
                name: "customer_tiers");

            migrationBuilder.DropTable(
                name: "tier_daily_members");

            migrationBuilder.DropTable(
                name: "tier_programs");

            migrationBuilder.DropTable(
                name: "tier_reviews");

            migrationBuilder.DropTable(
                name: "challenges");
        }
    }
}
