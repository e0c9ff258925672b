using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Automations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "automation_settings",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    trigger = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    email = table.Column<bool>(type: "boolean", nullable: false),
                    whats_app = table.Column<bool>(type: "boolean", nullable: false),
                    delay_minutes = table.Column<int>(type: "integer", nullable: false),
                    days = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_automation_settings", x => new { x.tenant_id, x.trigger });
                    table.ForeignKey(
                        name: "fk_automation_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "message_templates",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    trigger = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    locale = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    whats_app_template = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    whats_app_parameters = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_templates", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_message_templates_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "messages",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    trigger = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    subject_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    event_id = table.Column<Guid>(type: "uuid", nullable: true),
                    locale = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    recipient = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    variables = table.Column<JsonDocument>(type: "jsonb", nullable: false),
                    subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    claimed_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    provider_message_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_messages", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_messages_customers_tenant_id_customer_id",
                        columns: x => new { x.tenant_id, x.customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_messages_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "messaging_settings",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    quiet_from = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    quiet_until = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    max_per_day = table.Column<int>(type: "integer", nullable: false),
                    max_per_week = table.Column<int>(type: "integer", nullable: false),
                    sender_name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    reply_to = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    whats_app_phone_number_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    whats_app_token_protected = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    link_key = table.Column<byte[]>(type: "bytea", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_messaging_settings", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_messaging_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "referrals",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    referee_id = table.Column<Guid>(type: "uuid", nullable: false),
                    referrer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    purchase_id = table.Column<Guid>(type: "uuid", nullable: false),
                    referrer_reward_cents = table.Column<long>(type: "bigint", nullable: false),
                    referee_reward_cents = table.Column<long>(type: "bigint", nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_referrals", x => new { x.tenant_id, x.referee_id });
                    table.ForeignKey(
                        name: "fk_referrals_customers_tenant_id_referee_id",
                        columns: x => new { x.tenant_id, x.referee_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_referrals_customers_tenant_id_referrer_id",
                        columns: x => new { x.tenant_id, x.referrer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "whatsapp_status_receipts",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider_message_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_whatsapp_status_receipts", x => new { x.tenant_id, x.provider_message_id, x.status });
                    table.ForeignKey(
                        name: "fk_whatsapp_status_receipts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "message_attempts",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_message_attempts", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_message_attempts_messages_tenant_id_message_id",
                        columns: x => new { x.tenant_id, x.message_id },
                        principalTable: "messages",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_message_attempts_tenant_id_message_id_number",
                table: "message_attempts",
                columns: new[] { "tenant_id", "message_id", "number" });

            migrationBuilder.CreateIndex(
                name: "ix_message_templates_tenant_id_trigger_channel_locale",
                table: "message_templates",
                columns: new[] { "tenant_id", "trigger", "channel", "locale" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_messages_due",
                table: "messages",
                columns: new[] { "tenant_id", "status", "not_before" },
                filter: "status IN ('Scheduled', 'Sending')");

            migrationBuilder.CreateIndex(
                name: "ix_messages_provider_message_id",
                table: "messages",
                column: "provider_message_id",
                filter: "provider_message_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_messages_tenant_id_created_at",
                table: "messages",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_messages_tenant_id_customer_id_created_at",
                table: "messages",
                columns: new[] { "tenant_id", "customer_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_messages_once",
                table: "messages",
                columns: new[] { "tenant_id", "trigger", "subject_id", "channel" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_messaging_settings_whats_app_phone_number_id",
                table: "messaging_settings",
                column: "whats_app_phone_number_id",
                unique: true,
                filter: "whats_app_phone_number_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_referrals_tenant_id_referrer_id_decided_at",
                table: "referrals",
                columns: new[] { "tenant_id", "referrer_id", "decided_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "automation_settings");

            migrationBuilder.DropTable(
                name: "message_attempts");

            migrationBuilder.DropTable(
                name: "message_templates");

            migrationBuilder.DropTable(
                name: "messaging_settings");

            migrationBuilder.DropTable(
                name: "referrals");

            migrationBuilder.DropTable(
                name: "whatsapp_status_receipts");

            migrationBuilder.DropTable(
                name: "messages");
        }
    }
}
