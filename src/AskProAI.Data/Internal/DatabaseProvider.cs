using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace AskProAI.Data.Internal;

/// <summary>The database engines the model has migrations for.</summary>
internal enum DatabaseProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>The provider and connection string, read from configuration.</summary>
internal sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString)
{
    public const string ProviderKey = "Database:Provider";
    public const string ConnectionStringName = "AskPro";
    public const string DefaultSqliteConnectionString = "Data Source=data/askpro.db";

    public static DatabaseSettings From(IConfiguration configuration)
    {
        var name = configuration[ProviderKey];
        var provider = string.IsNullOrWhiteSpace(name) ? DatabaseProvider.Sqlite : Parse(name.Trim());
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? DefaultSqliteConnectionString
                : throw new InvalidOperationException(
                    $"{ProviderKey} is '{name}' but the connection string 'ConnectionStrings:{ConnectionStringName}' is not set.");
        }

        return new DatabaseSettings(provider, connectionString);
    }

    /// <summary>How long a SQLite command waits for a lock held by another connection, unless the connection string says.</summary>
    public const int SqliteBusyTimeoutSeconds = 5;

    /// <summary>
    /// Sets <c>Default Timeout</c> (Microsoft.Data.Sqlite's busy wait; 30 s by default) to
    /// <see cref="SqliteBusyTimeoutSeconds"/> when the connection string does not set it: a locked database fails a
    /// request in seconds (the service answers 503) instead of holding it for half a minute.
    /// </summary>
    public static string WithBusyTimeout(string connectionString)
    {
        // The builder reports every known keyword as present, so look at the text ("Default Timeout", "Command Timeout").
        if (connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            return connectionString;
        }

        return new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = SqliteBusyTimeoutSeconds }.ConnectionString;
    }

    /// <summary>Creates the folder of a file-based SQLite database so that opening it does not fail.</summary>
    public static void EnsureSqliteFolder(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory
            || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }

    private static DatabaseProvider Parse(string name) => name.ToUpperInvariant() switch
    {
        "SQLITE" => DatabaseProvider.Sqlite,
        "POSTGRESQL" or "POSTGRES" or "NPGSQL" => DatabaseProvider.PostgreSql,
        _ => throw new InvalidOperationException(
            $"Unknown database provider '{name}' in configuration '{ProviderKey}'. Use 'Sqlite' or 'PostgreSql'."),
    };
}
