using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <summary>
    /// The overview reads only the roll-up (issue 9): daily_buyers holds the business's distinct-customer figures, and
    /// the roll-up's incremental reads get indexes that lead with tenant_id (rows written since the watermark, purchases
    /// from a day on). The indexes are plain SQL so they stay out of the entity configurations of other features.
    /// Every watermark is reset, so the next roll-up of each tenant is a full one and fills daily_buyers for the past.
    /// </summary>
    public partial class DailyBuyersAndRollUpIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "daily_buyers",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    back = table.Column<short>(type: "smallint", nullable: false),
                    since_day = table.Column<DateOnly>(type: "date", nullable: false),
                    purchases = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_daily_buyers", x => new { x.tenant_id, x.day, x.back, x.since_day });
                    table.ForeignKey(
                        name: "fk_daily_buyers_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });
            Rls.EnableOn(migrationBuilder, "daily_buyers");

            foreach (var (name, table, columns) in Indexes)
                migrationBuilder.Sql($"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns});");

            // The watermark table forces RLS on its owner too; the owner lifts that for this one statement.
            migrationBuilder.Sql("ALTER TABLE stats_watermarks NO FORCE ROW LEVEL SECURITY;");
            migrationBuilder.Sql("UPDATE stats_watermarks SET rolled_up_to = TIMESTAMPTZ '1970-01-01 00:00:00+00';");
            migrationBuilder.Sql("ALTER TABLE stats_watermarks FORCE ROW LEVEL SECURITY;");
        }

        private static readonly (string Name, string Table, string Columns)[] Indexes =
        [
            ("ix_purchases_tenant_id_occurred_at", "purchases", "tenant_id, occurred_at"),
            ("ix_purchases_tenant_id_created_at", "purchases", "tenant_id, created_at"),
            ("ix_ledger_entries_tenant_id_created_at", "ledger_entries", "tenant_id, created_at"),
            ("ix_outbox_events_tenant_id_created_at", "outbox_events", "tenant_id, created_at"),
            ("ix_customers_tenant_id_joined_at", "customers", "tenant_id, joined_at"),
        ];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (name, _, _) in Indexes) migrationBuilder.Sql($"DROP INDEX IF EXISTS {name};");
            migrationBuilder.DropTable(
                name: "daily_buyers");
        }
    }
}
