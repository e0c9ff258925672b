using System.Text.Json;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class StoredTextKinds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            Citus.SequentialDdl(migrationBuilder);

            migrationBuilder.AddColumn<string>(
                name: "text",
                table: "ledger_entries",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<JsonDocument>(
                name: "text_values",
                table: "ledger_entries",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<JsonDocument>(
                name: "values",
                table: "audit_entries",
                type: "jsonb",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "text",
                table: "ledger_entries");

            migrationBuilder.DropColumn(
                name: "text_values",
                table: "ledger_entries");

            migrationBuilder.DropColumn(
                name: "values",
                table: "audit_entries");
        }
    }
}
