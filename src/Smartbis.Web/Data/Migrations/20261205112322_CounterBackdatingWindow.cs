using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CounterBackdatingWindow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "backdating_window_hours",
                table: "counter_settings",
                type: "integer",
                nullable: false,
                defaultValue: 72);

            migrationBuilder.AddCheckConstraint(
                name: "ck_counter_settings_backdating_window",
                table: "counter_settings",
                sql: "backdating_window_hours BETWEEN 1 AND 2160");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_counter_settings_backdating_window",
                table: "counter_settings");

            migrationBuilder.DropColumn(
                name: "backdating_window_hours",
                table: "counter_settings");
        }
    }
}
