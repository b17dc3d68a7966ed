using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AskProAI.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CompanyCurrencyLocale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Currency",
                table: "Companies",
                type: "TEXT",
                maxLength: 3,
                nullable: false,
                defaultValue: "EUR");

            migrationBuilder.AddColumn<string>(
                name: "Locale",
                table: "Companies",
                type: "TEXT",
                maxLength: 35,
                nullable: false,
                defaultValue: "de-DE");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Currency",
                table: "Companies");

            migrationBuilder.DropColumn(
                name: "Locale",
                table: "Companies");
        }
    }
}
