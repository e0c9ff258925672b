using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TenantSuspension : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "last_sign_in_at",
                table: "users",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "suspended_at",
                table: "tenants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "suspension_reason",
                table: "tenants",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            // The operator's console reads the daily roll-up across tenants (last purchase, metrics): CrossTenantPurpose.OperatorOverview.
            Smartbis.Web.Data.RowLevelSecurity.AllowCrossTenantRead(migrationBuilder, "daily_stats");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DROP POLICY IF EXISTS {Smartbis.Web.Data.RowLevelSecurity.CrossTenantPolicy} ON daily_stats;");

            migrationBuilder.DropColumn(
                name: "last_sign_in_at",
                table: "users");

            migrationBuilder.DropColumn(
                name: "suspended_at",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "suspension_reason",
                table: "tenants");
        }
    }
}
