using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Segments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customer_segments",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    segment = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    assigned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_purchase_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    purchases_in_window = table.Column<int>(type: "integer", nullable: false),
                    spent_in_window_cents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_segments", x => new { x.tenant_id, x.customer_id });
                });

            migrationBuilder.CreateTable(
                name: "segment_settings",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    new_days = table.Column<int>(type: "integer", nullable: false),
                    at_risk_days = table.Column<int>(type: "integer", nullable: false),
                    lost_days = table.Column<int>(type: "integer", nullable: false),
                    window_days = table.Column<int>(type: "integer", nullable: false),
                    loyal_purchases = table.Column<int>(type: "integer", nullable: false),
                    loyal_spend_cents = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_segment_settings", x => new { x.tenant_id, x.version });
                    table.ForeignKey(
                        name: "fk_segment_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "segment_snapshots",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    segment = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    members = table.Column<int>(type: "integer", nullable: false),
                    entered = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_segment_snapshots", x => new { x.tenant_id, x.day, x.segment });
                    table.ForeignKey(
                        name: "fk_segment_snapshots_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "tags",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    normalized_name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tags", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_tags_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "customer_tags",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    tag_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    added_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_tags", x => new { x.tenant_id, x.tag_id, x.customer_id });
                    table.ForeignKey(
                        name: "fk_customer_tags_tags_tenant_id_tag_id",
                        columns: x => new { x.tenant_id, x.tag_id },
                        principalTable: "tags",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_customer_segments_tenant_id_segment",
                table: "customer_segments",
                columns: new[] { "tenant_id", "segment" });

            migrationBuilder.CreateIndex(
                name: "ix_customer_tags_tenant_id_customer_id",
                table: "customer_tags",
                columns: new[] { "tenant_id", "customer_id" });

            migrationBuilder.CreateIndex(
                name: "ix_tags_tenant_id_normalized_name",
                table: "tags",
                columns: new[] { "tenant_id", "normalized_name" },
                unique: true);
            foreach (var table in Tables) Rls.EnableOn(migrationBuilder, table);
            Citus.Distribute(migrationBuilder, Tables);
            // Keys to customers (already distributed) come after the new tables are distributed too (docs/scaling.md).
            migrationBuilder.AddForeignKey(
                name: "fk_customer_segments_customers_tenant_id_customer_id",
                table: "customer_segments",
                columns: new[] { "tenant_id", "customer_id" },
                principalTable: "customers",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);
            migrationBuilder.AddForeignKey(
                name: "fk_customer_tags_customers_tenant_id_customer_id",
                table: "customer_tags",
                columns: new[] { "tenant_id", "customer_id" },
                principalTable: "customers",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);
        }

        internal static readonly string[] Tables = ["segment_settings", "segment_snapshots", "tags", "customer_segments", "customer_tags"];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "customer_segments");

            migrationBuilder.DropTable(
                name: "customer_tags");

            migrationBuilder.DropTable(
                name: "segment_settings");

            migrationBuilder.DropTable(
                name: "segment_snapshots");

            migrationBuilder.DropTable(
                name: "tags");
        }
    }
}
