using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    /// <summary>
    /// The index of purchases by voucher keeps only purchases paid with one: the others (most) were one index entry more
    /// per purchase for nothing (bench/NOTES.md, every purchase's WAL records).
    /// </summary>
    public partial class PurchaseVoucherIndexPartial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_purchases_tenant_id_voucher_id",
                table: "purchases");

            migrationBuilder.CreateIndex(
                name: "ix_purchases_tenant_id_voucher_id",
                table: "purchases",
                columns: new[] { "tenant_id", "voucher_id" },
                filter: "voucher_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_purchases_tenant_id_voucher_id",
                table: "purchases");

            migrationBuilder.CreateIndex(
                name: "ix_purchases_tenant_id_voucher_id",
                table: "purchases",
                columns: new[] { "tenant_id", "voucher_id" });
        }
    }
}
