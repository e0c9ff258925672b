using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Smartbis.Web.Data.Migrations
{
    /// <summary>
    /// The overview's count of sent and failed messages over a range reads this partial index only (issue 20): the
    /// messages still waiting (a planned campaign's hundreds of thousands) are not in it.
    /// </summary>
    public partial class MessagesOutcomesIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_messages_outcomes",
                table: "messages",
                columns: new[] { "tenant_id", "created_at" },
                filter: "status IN ('Sent', 'Delivered', 'Read', 'Failed', 'Bounced')")
                .Annotation("Npgsql:IndexInclude", new[] { "status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_messages_outcomes",
                table: "messages");
        }
    }
}
