using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <summary>
    /// Issue 14 (sign-in hardening): attempt_counters (AttemptLimit: attempts per tenant, scope, subject and window,
    /// counted by one atomic upsert), portal_sessions (server-side member sessions, revoked at sign-out, deletion and
    /// blocking), and decoy sign-in codes (customer_id null, identifier_hash set) so that an unknown email or phone is
    /// answered exactly like a member's. Both new tables are tenant-owned: tenant_id leads their keys, RLS forced.
    /// </summary>
    public partial class AuthHardening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "customer_id",
                table: "portal_sign_in_codes",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<string>(
                name: "identifier_hash",
                table: "portal_sign_in_codes",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "attempt_counters",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    scope = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    subject = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    window_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_attempt_counters", x => new { x.tenant_id, x.scope, x.subject, x.window_start });
                });

            migrationBuilder.CreateTable(
                name: "portal_sessions",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_portal_sessions", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_portal_sessions_customers_tenant_id_customer_id",
                        columns: x => new { x.tenant_id, x.customer_id },
                        principalTable: "customers",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_portal_sign_in_codes_tenant_id_identifier_hash_created_at",
                table: "portal_sign_in_codes",
                columns: new[] { "tenant_id", "identifier_hash", "created_at" },
                filter: "identifier_hash IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_portal_sessions_tenant_id_customer_id",
                table: "portal_sessions",
                columns: new[] { "tenant_id", "customer_id" });

            Rls.EnableOn(migrationBuilder, "attempt_counters");
            Rls.EnableOn(migrationBuilder, "portal_sessions");
            // A code is a member's or a decoy's, never both nor neither.
            migrationBuilder.Sql(
                "ALTER TABLE portal_sign_in_codes ADD CONSTRAINT ck_portal_sign_in_codes_owner CHECK ((customer_id IS NULL) <> (identifier_hash IS NULL));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE portal_sign_in_codes DROP CONSTRAINT ck_portal_sign_in_codes_owner;");
            migrationBuilder.Sql("DELETE FROM portal_sign_in_codes WHERE customer_id IS NULL;");
            migrationBuilder.DropTable(
                name: "attempt_counters");

            migrationBuilder.DropTable(
                name: "portal_sessions");

            migrationBuilder.DropIndex(
                name: "ix_portal_sign_in_codes_tenant_id_identifier_hash_created_at",
                table: "portal_sign_in_codes");

            migrationBuilder.DropColumn(
                name: "identifier_hash",
                table: "portal_sign_in_codes");

            migrationBuilder.AlterColumn<Guid>(
                name: "customer_id",
                table: "portal_sign_in_codes",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
