using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Ledger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "customers",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    phone = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    cpf = table.Column<string>(type: "character varying(11)", maxLength: 11, nullable: true),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: true),
                    card_code = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    referral_code = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    referred_by_customer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    joined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    email_consent = table.Column<bool>(type: "boolean", nullable: false),
                    whats_app_consent = table.Column<bool>(type: "boolean", nullable: false),
                    locale = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customers", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_customers_customers_tenant_id_referred_by_customer_id",
                        columns: x => new { x.tenant_id, x.referred_by_customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_customers_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_records",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    operation = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    request_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    response = table.Column<JsonDocument>(type: "jsonb", nullable: true),
                    status_code = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_records", x => new { x.tenant_id, x.key });
                    table.ForeignKey(
                        name: "fk_idempotency_records_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "outbox_events",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    subject_id = table.Column<Guid>(type: "uuid", nullable: true),
                    payload = table.Column<JsonDocument>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_events", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_outbox_events_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "program_rules",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    effective_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    reward_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    earn_rate_bps = table.Column<int>(type: "integer", nullable: false),
                    min_purchase_cents = table.Column<long>(type: "bigint", nullable: false),
                    max_earn_per_purchase_cents = table.Column<long>(type: "bigint", nullable: true),
                    excluded_categories = table.Column<List<string>>(type: "text[]", nullable: false),
                    pending_days = table.Column<int>(type: "integer", nullable: false),
                    expiry_days = table.Column<int>(type: "integer", nullable: true),
                    min_redeem_balance_cents = table.Column<long>(type: "bigint", nullable: false),
                    max_redeem_share_bps = table.Column<int>(type: "integer", nullable: false),
                    voucher_mode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    voucher_threshold_cents = table.Column<long>(type: "bigint", nullable: false),
                    voucher_validity_days = table.Column<int>(type: "integer", nullable: false),
                    referrer_reward_cents = table.Column<long>(type: "bigint", nullable: false),
                    referee_reward_cents = table.Column<long>(type: "bigint", nullable: false),
                    referral_min_purchase_cents = table.Column<long>(type: "bigint", nullable: false),
                    referral_monthly_cap = table.Column<int>(type: "integer", nullable: false),
                    welcome_bonus_cents = table.Column<long>(type: "bigint", nullable: false),
                    birthday_bonus_cents = table.Column<long>(type: "bigint", nullable: false),
                    boosts = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_program_rules", x => new { x.tenant_id, x.version });
                    table.ForeignKey(
                        name: "fk_program_rules_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "accounts",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pending_cents = table.Column<long>(type: "bigint", nullable: false),
                    available_cents = table.Column<long>(type: "bigint", nullable: false),
                    clawback_cents = table.Column<long>(type: "bigint", nullable: false),
                    voucher_cents = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accounts", x => new { x.tenant_id, x.customer_id });
                    table.CheckConstraint("ck_accounts_available_non_negative", "available_cents >= 0");
                    table.CheckConstraint("ck_accounts_clawback_non_negative", "clawback_cents >= 0");
                    table.CheckConstraint("ck_accounts_pending_non_negative", "pending_cents >= 0");
                    table.CheckConstraint("ck_accounts_voucher_non_negative", "voucher_cents >= 0");
                    table.ForeignKey(
                        name: "fk_accounts_customers_tenant_id_customer_id",
                        columns: x => new { x.tenant_id, x.customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "credit_lots",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    remaining_cents = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    available_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    purchase_id = table.Column<Guid>(type: "uuid", nullable: true),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credit_lots", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_credit_lots_remaining", "remaining_cents >= 0 AND remaining_cents <= amount_cents");
                    table.ForeignKey(
                        name: "fk_credit_lots_customers_tenant_id_customer_id",
                        columns: x => new { x.tenant_id, x.customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "customer_consents",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    channel = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    granted = table.Column<bool>(type: "boolean", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    wording = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_customer_consents", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_customer_consents_customers_tenant_id_customer_id",
                        columns: x => new { x.tenant_id, x.customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ledger_entries",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    pending_delta_cents = table.Column<long>(type: "bigint", nullable: false),
                    available_delta_cents = table.Column<long>(type: "bigint", nullable: false),
                    clawback_delta_cents = table.Column<long>(type: "bigint", nullable: false),
                    voucher_delta_cents = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    rule_version = table.Column<int>(type: "integer", nullable: true),
                    rate_bps = table.Column<int>(type: "integer", nullable: true),
                    purchase_id = table.Column<Guid>(type: "uuid", nullable: true),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: true),
                    lot_id = table.Column<Guid>(type: "uuid", nullable: true),
                    lot_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    author_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_entries", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_ledger_entries_customers_tenant_id_customer_id",
                        columns: x => new { x.tenant_id, x.customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "vouchers",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    value_cents = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    redeemed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    redeemed_purchase_id = table.Column<Guid>(type: "uuid", nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancel_reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    source_lot_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vouchers", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_vouchers_value", "value_cents > 0");
                    table.ForeignKey(
                        name: "fk_vouchers_customers_tenant_id_customer_id",
                        columns: x => new { x.tenant_id, x.customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "purchases",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    store_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    receipt_number = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    paid_with_cashback_cents = table.Column<long>(type: "bigint", nullable: false),
                    paid_with_voucher_cents = table.Column<long>(type: "bigint", nullable: false),
                    voucher_id = table.Column<Guid>(type: "uuid", nullable: true),
                    eligible_cents = table.Column<long>(type: "bigint", nullable: false),
                    earned_cents = table.Column<long>(type: "bigint", nullable: false),
                    rule_version = table.Column<int>(type: "integer", nullable: false),
                    rate_bps = table.Column<int>(type: "integer", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cashier_user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    refunded_cents = table.Column<long>(type: "bigint", nullable: false),
                    reversed_earn_cents = table.Column<long>(type: "bigint", nullable: false),
                    returned_credit_cents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purchases", x => new { x.tenant_id, x.id });
                    table.CheckConstraint("ck_purchases_amount", "amount_cents > 0");
                    table.CheckConstraint("ck_purchases_refunded", "refunded_cents >= 0 AND refunded_cents <= amount_cents");
                    table.ForeignKey(
                        name: "fk_purchases_customers_tenant_id_customer_id",
                        columns: x => new { x.tenant_id, x.customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_purchases_stores_tenant_id_store_id",
                        columns: x => new { x.tenant_id, x.store_id },
                        principalTable: "stores",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_purchases_vouchers_tenant_id_voucher_id",
                        columns: x => new { x.tenant_id, x.voucher_id },
                        principalTable: "vouchers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "purchase_lines",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purchase_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_no = table.Column<int>(type: "integer", nullable: false),
                    category = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    excluded = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purchase_lines", x => new { x.tenant_id, x.purchase_id, x.line_no });
                    table.ForeignKey(
                        name: "fk_purchase_lines_purchases_tenant_id_purchase_id",
                        columns: x => new { x.tenant_id, x.purchase_id },
                        principalTable: "purchases",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "purchase_refunds",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    purchase_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    reversed_earn_cents = table.Column<long>(type: "bigint", nullable: false),
                    returned_credit_cents = table.Column<long>(type: "bigint", nullable: false),
                    clawback_cents = table.Column<long>(type: "bigint", nullable: false),
                    reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_purchase_refunds", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_purchase_refunds_purchases_tenant_id_purchase_id",
                        columns: x => new { x.tenant_id, x.purchase_id },
                        principalTable: "purchases",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_credit_lots_due_expiry",
                table: "credit_lots",
                columns: new[] { "tenant_id", "status", "expires_at" },
                filter: "status = 'Available'");

            migrationBuilder.CreateIndex(
                name: "ix_credit_lots_due_release",
                table: "credit_lots",
                columns: new[] { "tenant_id", "status", "available_at" },
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_credit_lots_tenant_id_customer_id_status",
                table: "credit_lots",
                columns: new[] { "tenant_id", "customer_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_credit_lots_tenant_id_purchase_id",
                table: "credit_lots",
                columns: new[] { "tenant_id", "purchase_id" });

            migrationBuilder.CreateIndex(
                name: "ix_customer_consents_tenant_id_customer_id_at",
                table: "customer_consents",
                columns: new[] { "tenant_id", "customer_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_customers_tenant_id_card_code",
                table: "customers",
                columns: new[] { "tenant_id", "card_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_customers_tenant_id_cpf",
                table: "customers",
                columns: new[] { "tenant_id", "cpf" },
                unique: true,
                filter: "cpf IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_customers_tenant_id_email",
                table: "customers",
                columns: new[] { "tenant_id", "email" },
                unique: true,
                filter: "email IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_customers_tenant_id_phone",
                table: "customers",
                columns: new[] { "tenant_id", "phone" },
                unique: true,
                filter: "phone IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_customers_tenant_id_referral_code",
                table: "customers",
                columns: new[] { "tenant_id", "referral_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_customers_tenant_id_referred_by_customer_id",
                table: "customers",
                columns: new[] { "tenant_id", "referred_by_customer_id" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_tenant_id_customer_id_created_at",
                table: "ledger_entries",
                columns: new[] { "tenant_id", "customer_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_tenant_id_purchase_id",
                table: "ledger_entries",
                columns: new[] { "tenant_id", "purchase_id" },
                filter: "purchase_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_tenant_id_voucher_id",
                table: "ledger_entries",
                columns: new[] { "tenant_id", "voucher_id" },
                filter: "voucher_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_events_tenant_id_customer_id_type",
                table: "outbox_events",
                columns: new[] { "tenant_id", "customer_id", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_events_unprocessed",
                table: "outbox_events",
                columns: new[] { "tenant_id", "created_at" },
                filter: "processed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_program_rules_tenant_id_effective_from",
                table: "program_rules",
                columns: new[] { "tenant_id", "effective_from" });

            migrationBuilder.CreateIndex(
                name: "ix_purchase_refunds_tenant_id_purchase_id",
                table: "purchase_refunds",
                columns: new[] { "tenant_id", "purchase_id" });

            migrationBuilder.CreateIndex(
                name: "ix_purchases_tenant_id_customer_id_occurred_at",
                table: "purchases",
                columns: new[] { "tenant_id", "customer_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_purchases_tenant_id_store_id_occurred_at",
                table: "purchases",
                columns: new[] { "tenant_id", "store_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_purchases_tenant_id_store_id_receipt_number",
                table: "purchases",
                columns: new[] { "tenant_id", "store_id", "receipt_number" },
                unique: true,
                filter: "receipt_number IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_purchases_tenant_id_voucher_id",
                table: "purchases",
                columns: new[] { "tenant_id", "voucher_id" });

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_due_expiry",
                table: "vouchers",
                columns: new[] { "tenant_id", "status", "expires_at" },
                filter: "status = 'Issued'");

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_tenant_id_code",
                table: "vouchers",
                columns: new[] { "tenant_id", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_tenant_id_customer_id_status",
                table: "vouchers",
                columns: new[] { "tenant_id", "customer_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_vouchers_tenant_id_source_lot_id",
                table: "vouchers",
                columns: new[] { "tenant_id", "source_lot_id" },
                unique: true,
                filter: "source_lot_id IS NOT NULL");

            // Ledger entries are append-only in the database itself: a correction is a new entry.
            migrationBuilder.Sql("""
                CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  RAISE EXCEPTION 'ledger_entries is append-only: % is not allowed (write a correcting entry instead)', TG_OP
                    USING ERRCODE = 'restrict_violation';
                END $$;
                CREATE TRIGGER ledger_entries_no_update_delete BEFORE UPDATE OR DELETE ON ledger_entries
                  FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();
                CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
                  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ledger_entries_no_truncate ON ledger_entries; DROP TRIGGER IF EXISTS ledger_entries_no_update_delete ON ledger_entries; DROP FUNCTION IF EXISTS ledger_entries_append_only();");
            migrationBuilder.DropTable(
                name: "accounts");

            migrationBuilder.DropTable(
                name: "credit_lots");

            migrationBuilder.DropTable(
                name: "customer_consents");

            migrationBuilder.DropTable(
                name: "idempotency_records");

            migrationBuilder.DropTable(
                name: "ledger_entries");

            migrationBuilder.DropTable(
                name: "outbox_events");

            migrationBuilder.DropTable(
                name: "program_rules");

            migrationBuilder.DropTable(
                name: "purchase_lines");

            migrationBuilder.DropTable(
                name: "purchase_refunds");

            migrationBuilder.DropTable(
                name: "purchases");

            migrationBuilder.DropTable(
                name: "vouchers");

            migrationBuilder.DropTable(
                name: "customers");
        }
    }
}
