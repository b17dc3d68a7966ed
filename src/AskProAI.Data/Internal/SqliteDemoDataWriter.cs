using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AskProAI.Data.Internal;

/// <summary>Bulk insert for SQLite: one transaction, a prepared parameterized INSERT per table, secondary indexes rebuilt after big tables.</summary>
internal static class SqliteDemoDataWriter
{
    private const int CancellationCheckInterval = 8192;
    private const int RebuildIndexesFrom = 5_000;

    public static void Write(AskProDbContext db, DemoDataSet data, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        db.Database.OpenConnection();
        try
        {
            // A big page cache keeps the key indexes and index rebuilds in memory while a million rows go in.
            Execute(connection, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;");
            using var transaction = connection.BeginTransaction();
            foreach (var table in data.Tables)
            {
                var started = time.GetTimestamp();
                WriteTable(db, connection, transaction, table, cancellationToken);
                Log.DemoTableWritten(logger, table.EntityType.Name, table.RowCount, time.GetElapsedTime(started).TotalMilliseconds);
            }

            transaction.Commit();
        }
        finally
        {
            // The connection goes back to the pool: give the page cache back (SQLite's default is 2 MB).
            Execute(connection, "PRAGMA cache_size = -2000;");
            db.Database.CloseConnection();
        }
    }

    private static void WriteTable(AskProDbContext db, SqliteConnection connection, SqliteTransaction transaction, DemoTable table, CancellationToken cancellationToken)
    {
        var map = TableMap.For(db, table);

        // Building an index once over loaded rows beats updating it per row; the DDL rolls back with the transaction.
        var indexes = table.RowCount >= RebuildIndexesFrom ? DropIndexes(connection, transaction, map) : [];

        // One row per statement: Microsoft.Data.Sqlite looks parameters up by name, so wide multi-row statements are slower.
        using var insert = new InsertCommand(connection, transaction, map);
        var values = new object?[map.Columns.Length];
        for (var row = 0; row < table.RowCount; row++)
        {
            if (row % CancellationCheckInterval == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            table.FillRow(row, values);
            insert.Execute(values);
        }

        foreach (var createIndex in indexes)
        {
            Execute(connection, createIndex, transaction);
        }
    }

    /// <summary>Drops the table's explicit indexes and returns the statements that recreate them.</summary>
    private static List<string> DropIndexes(SqliteConnection connection, SqliteTransaction transaction, TableMap map)
    {
        var indexes = new List<(string Name, string Sql)>();
        using (var query = connection.CreateCommand())
        {
            query.Transaction = transaction;

            // Constraint indexes (primary and alternate keys) have no SQL and stay: foreign keys are checked through them.
            query.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $table AND sql IS NOT NULL";
            query.Parameters.AddWithValue("$table", map.Table.Trim('"'));
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            Execute(connection, "DROP INDEX " + TableMap.Quote(name), transaction);
        }

        return indexes.ConvertAll(i => i.Sql);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>A prepared single-row INSERT.</summary>
    private sealed class InsertCommand : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter[] _parameters;

        public InsertCommand(SqliteConnection connection, SqliteTransaction transaction, TableMap map)
        {
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            var names = Enumerable.Range(0, map.Columns.Length).Select(i => "$p" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
            _parameters = names.Select(n => _command.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
            _command.CommandText = $"INSERT INTO {map.Table} ({string.Join(", ", map.Columns)}) VALUES ({string.Join(", ", names)})";
            _command.Prepare();
        }

        public void Execute(object?[] values)
        {
            for (var c = 0; c < values.Length; c++)
            {
                _parameters[c].Value = values[c] ?? DBNull.Value;
            }

            _command.ExecuteNonQuery();
        }

        public void Dispose() => _command.Dispose();
    }
}
