using System.Runtime.CompilerServices;
using AskProAI.Caching;
using AskProAI.Web.Features.Widgets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace AskProAI.Web.Features.Invalidation;

/// <summary>
/// What each DbContext changed and has not yet committed. <see cref="Capture"/> reads the change tracker before a
/// save (and takes the write's ticket, ADR 0015); the changes are handed to the invalidator once they are committed
/// (after the save, or after the explicit transaction's commit) and dropped when the save fails or the transaction
/// rolls back.
/// </summary>
/// <remarks>
/// It depends on the widgets' definitions (<see cref="WidgetCatalog"/>), never on the widgets themselves: they need
/// the DbContext factory, whose options need the interceptors that hold this journal.
/// </remarks>
internal sealed class ChangeJournal(WidgetCatalog widgets, IWidgetInvalidator invalidator, IWidgetCache cache)
{
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    /// <summary>
    /// Records the company and type of every added, modified or deleted row that a widget depends on, the inserted
    /// rows, and the write's ticket.
    /// </summary>
    public void Capture(DbContext context)
    {
        var tracker = context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled)
        {
            tracker.DetectChanges();
        }

        Save? save = null;
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

            save ??= new Save();
            var dayKey = widgets.DayKeyOf(type);
            int[] companies = [.. CompaniesOf(entry)];
            if (entry.State == EntityState.Added)
            {
                save.Added.Add((entry, companies));
            }

            foreach (var companyId in companies)
            {
                if (entry.State != EntityState.Added)
                {
                    save.NotInsertOnly.Add((companyId, type));
                }

                if (dayKey is null)
                {
                    save.Changes.Add(new EntityChange(companyId, type));
                    continue;
                }

                // The row's day before and after the write: a call moved to another day changes both.
                foreach (var at in TimesOf(entry, dayKey))
                {
                    save.Changes.Add(new EntityChange(companyId, type, at));
                }
            }
        }

        if (save is not null)
        {
            // Before the save's statements run: a cached value whose computation ended earlier cannot contain this write.
            save.Ticket = cache.BeginWrite();
        }

        var pending = _pending.GetOrCreateValue(context);
        lock (pending)
        {
            pending.Saving = save;
        }
    }

    /// <summary>After a successful save: what to hand to the invalidator now, or null when a transaction is still open.</summary>
    public Committed? Saved(DbContext context)
    {
        if (!_pending.TryGetValue(context, out var pending))
        {
            return null;
        }

        lock (pending)
        {
            var saved = pending.Saving?.ToCommitted();
            pending.Saving = null;
            if (saved is null || context.Database.CurrentTransaction is null)
            {
                return saved;
            }

            pending.InTransaction = pending.InTransaction is { } earlier ? earlier.Then(saved) : saved;
            return null;
        }
    }

    /// <summary>After the explicit transaction committed: everything saved in it.</summary>
    public Committed? Commit(DbContext? context) => Take(context, pending => pending.InTransaction, pending => pending.InTransaction = null);

    /// <summary>The save failed: nothing it tried to change is invalidated.</summary>
    public void SaveFailed(DbContext? context) => Take(context, _ => null, pending => pending.Saving = null);

    /// <summary>The transaction rolled back, failed or was replaced: nothing saved in it is invalidated.</summary>
    public void TransactionEnded(DbContext? context) => Commit(context);

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

    private Committed? Take(DbContext? context, Func<Pending, Committed?> read, Action<Pending> clear)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending))
        {
            return null;
        }

        lock (pending)
        {
            var taken = read(pending);
            clear(pending);
            return taken;
        }
    }

    /// <summary>One save's changes, as read before it ran.</summary>
    private sealed class Save
    {
        public HashSet<EntityChange> Changes { get; } = [];

        public List<(EntityEntry Entry, int[] Companies)> Added { get; } = [];

        public HashSet<(int, Type)> NotInsertOnly { get; } = [];

        public WriteTicket Ticket { get; set; }

        /// <summary>After the save: the inserted rows copied as saved (generated ids set), with their loaded references.</summary>
        public Committed ToCommitted()
        {
            var inserted = new List<InsertedRow>();
            foreach (var (entry, companies) in Added)
            {
                var copy = entry.CurrentValues.ToObject();
                foreach (var reference in entry.References)
                {
                    if (reference.CurrentValue is { } target)
                    {
                        reference.Metadata.PropertyInfo?.SetValue(copy, target);
                    }
                }

                inserted.AddRange(companies.Select(companyId => new InsertedRow(companyId, entry.Metadata.ClrType, copy)));
            }

            return new Committed(Changes, new CommittedRows(Ticket, inserted, NotInsertOnly));
        }
    }

    private sealed class Pending
    {
        public Save? Saving { get; set; }

        public Committed? InTransaction { get; set; }
    }
}

/// <summary>What a commit changed: the changes to invalidate, and the inserted rows that may be applied instead.</summary>
/// <param name="Changes">Company, type and time of every changed row.</param>
/// <param name="Rows">The inserted rows and the write's ticket; null when nothing can be applied.</param>
internal sealed record Committed(IReadOnlyCollection<EntityChange> Changes, CommittedRows? Rows)
{
    /// <summary>This save followed by a later one in the same transaction: the first save's ticket stands for both (the earliest start).</summary>
    public Committed Then(Committed later) => new(
        [.. Changes.Union(later.Changes)],
        Rows is null || later.Rows is null
            ? null
            : new CommittedRows(Rows.Ticket, [.. Rows.Inserted, .. later.Rows.Inserted], Rows.NotInsertOnly.Union(later.Rows.NotInsertOnly).ToHashSet()));
}
