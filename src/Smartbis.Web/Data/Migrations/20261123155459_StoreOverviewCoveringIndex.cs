using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class StoreOverviewCoveringIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_purchases_tenant_id_store_id_occurred_at",
                table: "purchases");

            migrationBuilder.CreateIndex(
                name: "ix_purchases_tenant_id_store_id_occurred_at",
                table: "purchases",
                columns: new[] { "tenant_id", "store_id", "occurred_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "customer_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_purchases_tenant_id_store_id_occurred_at",
                table: "purchases");

            migrationBuilder.CreateIndex(
                name: "ix_purchases_tenant_id_store_id_occurred_at",
                table: "purchases",
                columns: new[] { "tenant_id", "store_id", "occurred_at" });
        }
    }
}
