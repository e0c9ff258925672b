using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <summary>
    /// Issue 16: the reward catalogue of points programs — rewards (cost in points, kind, stock, limit per customer,
    /// availability, stores) and reward_claims (one per redemption, with its code and its RewardRedeem entry); both
    /// tenant tables with row-level security, distributed by tenant on a Citus cluster.
    /// </summary>
    public partial class RewardCatalogue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "rewards",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    image_url = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    cost_points = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    value_cents = table.Column<long>(type: "bigint", nullable: true),
                    stock = table.Column<int>(type: "integer", nullable: true),
                    per_customer_limit = table.Column<int>(type: "integer", nullable: true),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    store_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    claim_days = table.Column<int>(type: "integer", nullable: false),
                    return_points_on_expiry = table.Column<bool>(type: "boolean", nullable: false),
                    archived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rewards", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_rewards_claim_days", "claim_days BETWEEN 1 AND 365");
                    table.CheckConstraint("ck_rewards_cost", "cost_points > 0");
                    table.CheckConstraint("ck_rewards_limit", "per_customer_limit IS NULL OR per_customer_limit > 0");
                    table.CheckConstraint("ck_rewards_stock", "stock IS NULL OR stock >= 0");
                    table.CheckConstraint("ck_rewards_value", "(kind = 'Voucher') = (value_cents IS NOT NULL AND value_cents > 0)");
                    table.ForeignKey(
                        name: "fk_rewards_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "reward_claims",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    reward_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reward_name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    cost_points = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    redeemed_store_id = table.Column<Guid>(type: "uuid", nullable: true),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    return_points_on_expiry = table.Column<bool>(type: "boolean", nullable: false),
                    ledger_entry_id = table.Column<Guid>(type: "uuid", nullable: false),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    delivered_store_id = table.Column<Guid>(type: "uuid", nullable: true),
                    delivered_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    expired_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    returned_points = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reward_claims", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_reward_claims_cost", "cost_points > 0");
                    table.ForeignKey(
                        name: "fk_reward_claims_rewards_tenant_id_reward_id",
                        columns: x => new { x.tenant_id, x.reward_id },
                        principalTable: "rewards",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_reward_claims_due_expiry",
                table: "reward_claims",
                columns: new[] { "tenant_id", "status", "expires_at" },
                filter: "status = 'Claimed'");

            migrationBuilder.CreateIndex(
                name: "ix_reward_claims_tenant_id_code",
                table: "reward_claims",
                columns: new[] { "tenant_id", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reward_claims_tenant_id_customer_id_reward_id",
                table: "reward_claims",
                columns: new[] { "tenant_id", "customer_id", "reward_id" });

            migrationBuilder.CreateIndex(
                name: "ix_reward_claims_tenant_id_ledger_entry_id",
                table: "reward_claims",
                columns: new[] { "tenant_id", "ledger_entry_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reward_claims_tenant_id_reward_id",
                table: "reward_claims",
                columns: new[] { "tenant_id", "reward_id" });

            migrationBuilder.CreateIndex(
                name: "ix_rewards_tenant_id_archived_at_cost_points",
                table: "rewards",
                columns: new[] { "tenant_id", "archived_at", "cost_points" });

            foreach (var table in new[] { "rewards", "reward_claims" }) Rls.EnableOn(migrationBuilder, table);
            Citus.Distribute(migrationBuilder, "rewards", "reward_claims");
            // Keys to tables already distributed (customers, stores) come after the new tables are distributed too: Citus refuses a
            // key from a local table to a distributed one (docs/scaling.md).
            migrationBuilder.AddForeignKey(
                name: "fk_reward_claims_customers_tenant_id_customer_id",
                table: "reward_claims",
                columns: new[] { "tenant_id", "customer_id" },
                principalTable: "customers",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DELETE FROM schema_distribution WHERE table_name IN ('rewards', 'reward_claims');");
            migrationBuilder.DropTable(
                name: "reward_claims");

            migrationBuilder.DropTable(
                name: "rewards");
        }
    }
}
