using Npgsql;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>
/// A uniquely named, empty database on the PostgreSQL server named by <c>ASKPRO_TEST_POSTGRES</c>, dropped on
/// dispose. Creating one fails the test when the variable is not set: scripts/test.sh starts a server and sets it.
/// Shared: the Data tests compile this file too.
/// The database sorts text by a linguistic collation (ICU en-US), like a production database created under an
/// en_US.UTF-8 locale, not by the C collation of the test server's initdb, which would hide provider differences.
/// </summary>
public sealed class PostgreSqlTestDatabase : IAsyncDisposable
{
    public const string Variable = "ASKPRO_TEST_POSTGRES";

    private readonly string _admin;
    private readonly string _name;

    private PostgreSqlTestDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    /// <summary>Gets the connection string of the new database.</summary>
    public string ConnectionString { get; }

    public static async Task<PostgreSqlTestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        Assert.False(
            string.IsNullOrWhiteSpace(server),
            $"{Variable} is not set. Set it to an Npgsql connection string of a PostgreSQL superuser on 127.0.0.1 " +
            "(scripts/test.sh starts a server and sets it).");

        var name = "askpro_test_" + Guid.NewGuid().ToString("N");
        var admin = new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString;
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new PostgreSqlTestDatabase(admin, name, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
