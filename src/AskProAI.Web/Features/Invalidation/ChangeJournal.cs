using System.Runtime.CompilerServices;
using AskProAI.Caching;
using AskProAI.Web.Features.Widgets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace AskProAI.Web.Features.Invalidation;

/// <summary>
/// What each DbContext changed and has not yet committed. <see cref="Capture"/> reads the change tracker before a
/// save; the changes are invalidated once they are committed (after the save, or after the explicit transaction's
/// commit) and dropped when the save fails or the transaction rolls back.
/// </summary>
/// <remarks>
/// It depends on the widgets' definitions (<see cref="WidgetCatalog"/>), never on the widgets themselves: they need
/// the DbContext factory, whose options need the interceptors that hold this journal.
/// </remarks>
internal sealed class ChangeJournal(WidgetCatalog widgets, IWidgetInvalidator invalidator, IWidgetCache cache)
{
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    /// <summary>Records the company and type of every added, modified or deleted row that a widget depends on.</summary>
    public void Capture(DbContext context)
    {
        var tracker = context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled)
        {
            tracker.DetectChanges();
        }

        HashSet<EntityChange>? changes = null;
        List<EntityEntry>? added = null;
        HashSet<(int, Type)>? notInsertOnly = null;
        foreach (var entry in tracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            var type = entry.Metadata.ClrType;
            if (!widgets.IsTracked(type))
            {
                continue;
            }

            changes ??= [];
            var dayKey = widgets.DayKeyOf(type);
            if (entry.State == EntityState.Added)
            {
                (added ??= []).Add(entry);
            }

            foreach (var companyId in CompaniesOf(entry))
            {
                if (entry.State != EntityState.Added)
                {
                    (notInsertOnly ??= []).Add((companyId, type));
                }

                if (dayKey is null)
                {
                    changes.Add(new EntityChange(companyId, type));
                    continue;
                }

                // The row's day before and after the write: a call moved to another day changes both.
                foreach (var at in TimesOf(entry, dayKey))
                {
                    changes.Add(new EntityChange(companyId, type, at));
                }
            }
        }

        var pending = _pending.GetOrCreateValue(context);
        lock (pending)
        {
            pending.Saving = changes;
            pending.Added = added;
            pending.NotInsertOnly = notInsertOnly;

            // Before the save's statements run: a cached value whose computation ended earlier cannot contain this write.
            pending.Ticket = changes is null ? null : cache.BeginWrite();
        }
    }

    /// <summary>After a successful save: the changes to invalidate now, or null when a transaction is still open.</summary>
    public Committed? Saved(DbContext context)
    {
        if (!_pending.TryGetValue(context, out var pending))
        {
            return null;
        }

        lock (pending)
        {
            var saved = pending.Saving;
            var rows = saved is null || pending.Ticket is not { } ticket ? null : RowsOf(pending, ticket);
            pending.Saving = null;
            pending.Added = null;
            pending.NotInsertOnly = null;
            if (saved is null || context.Database.CurrentTransaction is null)
            {
                return saved is null ? null : new Committed(saved, rows);
            }

            (pending.InTransaction ??= []).UnionWith(saved);

            // Several saves in one transaction: the first save's ticket stands for all of them (the earliest start).
            pending.InTransactionRows = pending.InTransactionRows is { } earlier && rows is not null
                ? new CommittedRows(earlier.Ticket, [.. earlier.Inserted, .. rows.Inserted], earlier.NotInsertOnly.Union(rows.NotInsertOnly).ToHashSet())
                : pending.InTransactionRows ?? rows;
            return null;
        }
    }

    /// <summary>Copies of the inserted rows as saved (generated ids set), with their loaded references.</summary>
    private static CommittedRows RowsOf(Pending pending, WriteTicket ticket)
    {
        var inserted = new List<InsertedRow>();
        foreach (var entry in pending.Added ?? [])
        {
            var copy = entry.CurrentValues.ToObject();
            foreach (var reference in entry.References)
            {
                if (reference.CurrentValue is { } target)
                {
                    reference.Metadata.PropertyInfo?.SetValue(copy, target);
                }
            }

            foreach (var companyId in CompaniesOf(entry))
            {
                inserted.Add(new InsertedRow(companyId, entry.Metadata.ClrType, copy));
            }
        }

        return new CommittedRows(ticket, inserted, pending.NotInsertOnly ?? []);
    }

    /// <summary>After the explicit transaction committed: everything saved in it.</summary>
    public Committed? Commit(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending))
        {
            return null;
        }

        lock (pending)
        {
            var rows = pending.InTransactionRows;
            pending.InTransactionRows = null;
            return Take(context, saving: false) is { } changes ? new Committed(changes, rows) : null;
        }
    }

    /// <summary>The save failed: nothing it tried to change is invalidated.</summary>
    public void SaveFailed(DbContext? context) => Take(context, saving: true);

    /// <summary>The transaction rolled back, failed or was replaced: nothing saved in it is invalidated.</summary>
    public void TransactionEnded(DbContext? context)
    {
        Take(context, saving: false);
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            lock (pending)
            {
                pending.InTransactionRows = null;
            }
        }
    }

    public ValueTask InvalidateAsync(Committed? committed, CancellationToken cancellationToken) =>
        committed is { Changes.Count: > 0 } ? invalidator.InvalidateAsync(committed.Changes, committed.Rows, cancellationToken) : ValueTask.CompletedTask;

    public void Invalidate(Committed? committed)
    {
        if (committed is { Changes.Count: > 0 })
        {
            // Synchronous SaveChanges: the in-process invalidation completes synchronously; an L2 one is waited for.
            var pending = invalidator.InvalidateAsync(committed.Changes, committed.Rows, CancellationToken.None);
            if (!pending.IsCompletedSuccessfully)
            {
                pending.AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private static IEnumerable<int> CompaniesOf(EntityEntry entry)
    {
        var property = entry.Metadata.FindProperty("CompanyId") ?? (entry.Entity is Data.Company ? entry.Metadata.FindProperty("Id") : null);
        if (property is null)
        {
            yield break;
        }

        var member = entry.Property(property.Name);
        if (member.CurrentValue is int current && current > 0)
        {
            yield return current;
        }

        // A row moved between companies changes both (never done by this service, but cheap to honour).
        if (entry.State == EntityState.Modified && member.OriginalValue is int original && original > 0 && !Equals(original, member.CurrentValue))
        {
            yield return original;
        }
    }

    private static IEnumerable<DateTime?> TimesOf(EntityEntry entry, string property)
    {
        var member = entry.Property(property);
        var current = member.CurrentValue as DateTime?;
        yield return current;
        if (entry.State == EntityState.Modified && member.OriginalValue is DateTime original && original != current)
        {
            yield return original;
        }
    }

    private HashSet<EntityChange>? Take(DbContext? context, bool saving)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending))
        {
            return null;
        }

        lock (pending)
        {
            HashSet<EntityChange>? taken;
            if (saving)
            {
                taken = pending.Saving;
                pending.Saving = null;
            }
            else
            {
                taken = pending.InTransaction;
                pending.InTransaction = null;
            }

            return taken;
        }
    }

    private sealed class Pending
    {
        public HashSet<EntityChange>? Saving { get; set; }

        public HashSet<EntityChange>? InTransaction { get; set; }

        public List<EntityEntry>? Added { get; set; }

        public HashSet<(int, Type)>? NotInsertOnly { get; set; }

        public WriteTicket? Ticket { get; set; }

        public CommittedRows? InTransactionRows { get; set; }
    }
}

/// <summary>What a commit changed: the changes to invalidate, and the inserted rows that may be applied instead.</summary>
/// <param name="Changes">Company, type and time of every changed row.</param>
/// <param name="Rows">The inserted rows and the write's ticket; null when nothing can be applied.</param>
internal sealed record Committed(IReadOnlyCollection<EntityChange> Changes, CommittedRows? Rows);
