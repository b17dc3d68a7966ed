using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AskProAI.Data.Internal;

/// <summary>Bulk insert for PostgreSQL: binary COPY per table in one transaction, then the identity sequences move past the ids.</summary>
internal static class PostgreSqlDemoDataWriter
{
    private const int CancellationCheckInterval = 8192;
    private const int RebuildIndexesFrom = 5_000;

    public static async Task WriteAsync(AskProDbContext db, DemoDataSet data, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var table in data.Tables)
                {
                    var started = time.GetTimestamp();
                    var map = TableMap.For(db, table);
                    // Building an index once over loaded rows beats updating it per row; the DDL rolls back with the transaction.
                    var indexes = table.RowCount >= RebuildIndexesFrom
                        ? await DropIndexesAsync(connection, map, cancellationToken).ConfigureAwait(false)
                        : [];
                    await CopyAsync(connection, map, table, cancellationToken).ConfigureAwait(false);
                    foreach (var createIndex in indexes)
                    {
                        await ExecuteAsync(connection, createIndex, cancellationToken).ConfigureAwait(false);
                    }

                    await AdvanceIdentityAsync(connection, map, cancellationToken).ConfigureAwait(false);
                    Log.DemoTableWritten(logger, table.EntityType.Name, table.RowCount, time.GetElapsedTime(started).TotalMilliseconds);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, TableMap map, DemoTable table, CancellationToken cancellationToken)
    {
        var sql = $"COPY {map.Table} ({string.Join(", ", map.Columns)}) FROM STDIN (FORMAT BINARY)";
        var importer = await connection.BeginBinaryImportAsync(sql, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            // No command timeout (zero): a million rows on a busy server outlast it; the caller's token still cancels.
            importer.Timeout = TimeSpan.Zero;
            var values = new object?[map.Columns.Length];
            for (var row = 0; row < table.RowCount; row++)
            {
                if (row % CancellationCheckInterval == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                table.FillRow(row, values);
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                foreach (var value in values)
                {
                    if (value is null)
                    {
                        await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await importer.WriteAsync(value, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>COPY with explicit ids leaves the identity sequence at 1; the next insert by the app must not collide.</summary>
    private static async Task AdvanceIdentityAsync(NpgsqlConnection connection, TableMap map, CancellationToken cancellationToken)
    {
        var id = map.Columns[0];
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText =
                $"SELECT setval(pg_get_serial_sequence(@table, @column), (SELECT COALESCE(MAX({id}), 0) + 1 FROM {map.Table}), false)";
            command.Parameters.AddWithValue("table", map.Table);
            command.Parameters.AddWithValue("column", id.Trim('"'));
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drops the table's plain indexes (not those of keys and constraints) and returns the statements that recreate them.</summary>
    private static async Task<List<string>> DropIndexesAsync(NpgsqlConnection connection, TableMap map, CancellationToken cancellationToken)
    {
        var indexes = new List<(string Name, string Sql)>();
        var query = connection.CreateCommand();
        await using (query.ConfigureAwait(false))
        {
            query.CommandText =
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = @table " +
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)";
            query.Parameters.AddWithValue("table", map.Table.Trim('"'));
            var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    indexes.Add((reader.GetString(0), reader.GetString(1)));
                }
            }
        }

        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync(connection, "DROP INDEX " + TableMap.Quote(name), cancellationToken).ConfigureAwait(false);
        }

        return indexes.ConvertAll(i => i.Sql);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = sql;
            // Rebuilding an index over the loaded rows may outlast the command timeout too.
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
