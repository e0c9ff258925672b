using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Smartbis.Web.Data;
using Rls = Smartbis.Web.Data.RowLevelSecurity;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ProductCategories : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "product_categories",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name_pt = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    name_en = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_product_categories", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "fk_product_categories_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_product_categories_tenant_id_code",
                table: "product_categories",
                columns: new[] { "tenant_id", "code" },
                unique: true);

            // Existing programs: every code their rules exclude becomes a category of their list, named for people when it is
            // one of the demo's codes (else the code itself, until the merchant names it in /app/categories).
            migrationBuilder.Sql("""
                INSERT INTO product_categories (tenant_id, id, code, name_pt, name_en, created_at)
                SELECT DISTINCT ON (r.tenant_id, lower(c.code)) r.tenant_id, gen_random_uuid(), lower(c.code),
                       CASE lower(c.code) WHEN 'prescription' THEN 'medicamentos com receita' WHEN 'tobacco' THEN 'tabaco'
                            WHEN 'general' THEN 'produtos em geral' ELSE left(c.code, 60) END,
                       CASE lower(c.code) WHEN 'prescription' THEN 'prescription medicines' WHEN 'general' THEN 'general goods'
                            ELSE left(c.code, 60) END,
                       now()
                FROM program_rules r CROSS JOIN LATERAL unnest(r.excluded_categories) AS c(code)
                WHERE lower(c.code) ~ '^[a-z0-9][a-z0-9_-]{0,39}$'
                ORDER BY r.tenant_id, lower(c.code)
                ON CONFLICT DO NOTHING;
                """);
            // After the copy (a role bound by row-level security would insert nothing once the policy is on).
            Rls.EnableOn(migrationBuilder, "product_categories");
            Citus.Distribute(migrationBuilder, "product_categories");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "product_categories");
        }
    }
}
