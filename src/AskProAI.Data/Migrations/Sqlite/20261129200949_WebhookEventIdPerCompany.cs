using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AskProAI.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WebhookEventIdPerCompany : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookEvents_EventId",
                table: "WebhookEvents");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_CompanyId_EventId",
                table: "WebhookEvents",
                columns: new[] { "CompanyId", "EventId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookEvents_CompanyId_EventId",
                table: "WebhookEvents");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_EventId",
                table: "WebhookEvents",
                column: "EventId",
                unique: true);
        }
    }
}
