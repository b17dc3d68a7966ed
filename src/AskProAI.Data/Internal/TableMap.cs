using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AskProAI.Data.Internal;

/// <summary>The quoted table and column names of a <see cref="DemoTable"/>, taken from the EF model so they cannot drift.</summary>
internal sealed record TableMap(string Table, string[] Columns)
{
    public static TableMap For(DbContext db, DemoTable table)
    {
        var entity = db.Model.FindEntityType(table.EntityType)
            ?? throw new InvalidOperationException($"{table.EntityType.Name} is not in the model.");
        var name = entity.GetTableName()!;
        var store = StoreObjectIdentifier.Table(name, entity.GetSchema());
        var columns = table.Properties
            .Select(p => Quote(entity.FindProperty(p)?.GetColumnName(store)
                ?? throw new InvalidOperationException($"{entity.DisplayName()}.{p} is not mapped.")))
            .ToArray();
        var schema = entity.GetSchema();
        return new TableMap(schema is null ? Quote(name) : Quote(schema) + "." + Quote(name), columns);
    }

    /// <summary>Quotes an identifier the way both SQLite and PostgreSQL accept.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
