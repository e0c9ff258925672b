using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Campaigns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            Citus.SequentialDdl(migrationBuilder);

            migrationBuilder.CreateTable(
                name: "campaigns",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    segment = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    tag_id = table.Column<Guid>(type: "uuid", nullable: true),
                    email = table.Column<bool>(type: "boolean", nullable: false),
                    whats_app = table.Column<bool>(type: "boolean", nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    whats_app_template = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    whats_app_parameters = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    send_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    holdout_percent = table.Column<int>(type: "integer", nullable: false),
                    bonus_amount = table.Column<long>(type: "bigint", nullable: false),
                    multiplier_bps = table.Column<int>(type: "integer", nullable: false),
                    boost_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    boost_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    measure_days = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    launched_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    planned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    audience = table.Column<int>(type: "integer", nullable: false),
                    holdout = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaigns", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_campaigns_bonus", "bonus_amount >= 0");
                    table.CheckConstraint("ck_campaigns_holdout", "holdout_percent BETWEEN 0 AND 50");
                    table.CheckConstraint("ck_campaigns_multiplier", "multiplier_bps BETWEEN 10000 AND 50000");
                    table.ForeignKey(
                        name: "fk_campaigns_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "campaign_recipients",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    campaign_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    holdout = table.Column<bool>(type: "boolean", nullable: false),
                    bonus_amount = table.Column<long>(type: "bigint", nullable: false),
                    bonus_granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaign_recipients", x => new { x.tenant_id, x.campaign_id, x.customer_id });
                    table.ForeignKey(
                        name: "fk_campaign_recipients_campaigns_tenant_id_campaign_id",
                        columns: x => new { x.tenant_id, x.campaign_id },
                        principalTable: "campaigns",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_campaign_recipients_tenant_id_customer_id",
                table: "campaign_recipients",
                columns: new[] { "tenant_id", "customer_id" });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_tenant_id_status_send_at",
                table: "campaigns",
                columns: new[] { "tenant_id", "status", "send_at" });

            migrationBuilder.CreateIndex(
                name: "ix_campaigns_tenant_id_tag_id",
                table: "campaigns",
                columns: new[] { "tenant_id", "tag_id" });
            migrationBuilder.Sql(MessagesByCampaignIndex);
            foreach (var table in Tables) Rls.EnableOn(migrationBuilder, table);
            Citus.Distribute(migrationBuilder, Tables);
            // Keys to tables already distributed (tags, customers) come after the new tables are distributed too (docs/scaling.md).
            migrationBuilder.AddForeignKey(
                name: "fk_campaigns_tags_tenant_id_tag_id",
                table: "campaigns",
                columns: new[] { "tenant_id", "tag_id" },
                principalTable: "tags",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Restrict);
            migrationBuilder.AddForeignKey(
                name: "fk_campaign_recipients_customers_tenant_id_customer_id",
                table: "campaign_recipients",
                columns: new[] { "tenant_id", "customer_id" },
                principalTable: "customers",
                principalColumns: new[] { "tenant_id", "id" },
                onDelete: ReferentialAction.Cascade);
        }

        internal static readonly string[] Tables = ["campaigns", "campaign_recipients"];

        /// <summary>A campaign's messages by campaign (its delivery figures), without reading the tenant's other messages.</summary>
        internal const string MessagesByCampaignIndex =
            "CREATE INDEX IF NOT EXISTS ix_messages_campaign ON messages (tenant_id, ((variables ->> 'campaignId'))) WHERE trigger = 'campaign'";

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_messages_campaign");
            migrationBuilder.DropTable(
                name: "campaign_recipients");

            migrationBuilder.DropTable(
                name: "campaigns");
        }
    }
}
