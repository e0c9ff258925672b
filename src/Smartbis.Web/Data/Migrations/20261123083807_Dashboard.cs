using System;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Dashboard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "anomaly_flags",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    subject_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    cashier_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    store_id = table.Column<Guid>(type: "uuid", nullable: true),
                    summary = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    evidence = table.Column<JsonDocument>(type: "jsonb", nullable: false),
                    occurrences = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reviewed_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    review_note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_anomaly_flags", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_anomaly_flags_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "counter_settings",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    large_redemption_cents = table.Column<long>(type: "bigint", nullable: false),
                    code_validity_minutes = table.Column<int>(type: "integer", nullable: false),
                    burst_purchases = table.Column<int>(type: "integer", nullable: false),
                    burst_window_minutes = table.Column<int>(type: "integer", nullable: false),
                    flag_own_account = table.Column<bool>(type: "boolean", nullable: false),
                    refund_rate_bps = table.Column<int>(type: "integer", nullable: false),
                    refund_rate_min_purchases = table.Column<int>(type: "integer", nullable: false),
                    refund_rate_window_days = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_counter_settings", x => x.tenant_id);
                    table.CheckConstraint("ck_counter_settings_positive", "large_redemption_cents >= 0 AND code_validity_minutes > 0 AND burst_purchases > 0 AND burst_window_minutes > 0 AND refund_rate_bps > 0 AND refund_rate_min_purchases > 0 AND refund_rate_window_days > 0");
                    table.ForeignKey(
                        name: "fk_counter_settings_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "daily_stats",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    store_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purchases = table.Column<int>(type: "integer", nullable: false),
                    revenue_cents = table.Column<long>(type: "bigint", nullable: false),
                    earned_cents = table.Column<long>(type: "bigint", nullable: false),
                    bonus_cents = table.Column<long>(type: "bigint", nullable: false),
                    redeemed_cents = table.Column<long>(type: "bigint", nullable: false),
                    expired_cents = table.Column<long>(type: "bigint", nullable: false),
                    vouchers_issued = table.Column<int>(type: "integer", nullable: false),
                    vouchers_issued_cents = table.Column<long>(type: "bigint", nullable: false),
                    vouchers_redeemed = table.Column<int>(type: "integer", nullable: false),
                    vouchers_redeemed_cents = table.Column<long>(type: "bigint", nullable: false),
                    liability_delta_cents = table.Column<long>(type: "bigint", nullable: false),
                    new_members = table.Column<int>(type: "integer", nullable: false),
                    referred_members = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_daily_stats", x => new { x.tenant_id, x.day, x.store_id });
                    table.ForeignKey(
                        name: "fk_daily_stats_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "manager_pins",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    pin_hash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_manager_pins", x => new { x.tenant_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_manager_pins_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_manager_pins_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "onboarding_progress",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    join_page_shared_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    dismissed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_onboarding_progress", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_onboarding_progress_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "redemption_codes",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    max_amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    sent_to = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    failed_attempts = table.Column<int>(type: "integer", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    used_for_key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    created_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_redemption_codes", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_redemption_codes_customers_tenant_id_customer_id",
                        columns: x => new { x.tenant_id, x.customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "staff_invitations",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    store_id = table.Column<Guid>(type: "uuid", nullable: true),
                    token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    invited_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    accepted_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_staff_invitations", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_staff_invitations_stores_tenant_id_store_id",
                        columns: x => new { x.tenant_id, x.store_id },
                        principalTable: "stores",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_staff_invitations_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "stats_watermarks",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rolled_up_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stats_watermarks", x => x.tenant_id);
                    table.ForeignKey(
                        name: "fk_stats_watermarks_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_flags_tenant_id_kind_subject_key",
                table: "anomaly_flags",
                columns: new[] { "tenant_id", "kind", "subject_key" },
                unique: true,
                filter: "reviewed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_anomaly_flags_tenant_id_reviewed_at_last_seen_at",
                table: "anomaly_flags",
                columns: new[] { "tenant_id", "reviewed_at", "last_seen_at" });

            migrationBuilder.CreateIndex(
                name: "ix_manager_pins_user_id",
                table: "manager_pins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_redemption_codes_tenant_id_customer_id_created_at",
                table: "redemption_codes",
                columns: new[] { "tenant_id", "customer_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_staff_invitations_tenant_id_email",
                table: "staff_invitations",
                columns: new[] { "tenant_id", "email" });

            migrationBuilder.CreateIndex(
                name: "ix_staff_invitations_tenant_id_store_id",
                table: "staff_invitations",
                columns: new[] { "tenant_id", "store_id" });

            migrationBuilder.CreateIndex(
                name: "ix_staff_invitations_tenant_id_token_hash",
                table: "staff_invitations",
                columns: new[] { "tenant_id", "token_hash" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_staff_invitations_token_hash",
                table: "staff_invitations",
                column: "token_hash");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "anomaly_flags");

            migrationBuilder.DropTable(
                name: "counter_settings");

            migrationBuilder.DropTable(
                name: "daily_stats");

            migrationBuilder.DropTable(
                name: "manager_pins");

            migrationBuilder.DropTable(
                name: "onboarding_progress");

            migrationBuilder.DropTable(
                name: "redemption_codes");

            migrationBuilder.DropTable(
                name: "staff_invitations");

            migrationBuilder.DropTable(
                name: "stats_watermarks");
        }
    }
}
