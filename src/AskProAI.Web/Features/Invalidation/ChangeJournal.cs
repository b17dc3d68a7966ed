using System.Runtime.CompilerServices;
using AskProAI.Caching;
using AskProAI.Data;
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
internal sealed class ChangeJournal(WidgetCatalog widgets, IWidgetInvalidator invalidator, IWidgetCache cache, WritesInFlight inFlight)
{
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    /// <summary>
    /// Records the company and type of every added, modified or deleted row that a widget depends on, the rows whose
    /// change may be applied (inserts, and updates and deletes of versioned rows with their committed old image, ADR
    /// 0022), and the write's ticket.
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
            if (entry.State == EntityState.Added || (companies.Length == 1 && HasCommittedOldImage(entry)))
            {
                // The old image now: after the save the tracker's original values are the new ones.
                save.Rows.Add((entry, companies, entry.State == EntityState.Added ? null : entry.OriginalValues.ToObject(), entry.State == EntityState.Deleted));
            }
            else
            {
                foreach (var companyId in companies)
                {
                    save.NotApplicable.Add((companyId, type));
                }
            }

            foreach (var companyId in companies)
            {
                save.Companies.Add(companyId);
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
            inFlight.Begin(save.Companies, save.Ticket.Clock);
        }

        var pending = _pending.GetOrCreateValue(context);
        lock (pending)
        {
            if (pending.Saving is { } abandoned)
            {
                inFlight.End(abandoned.Companies, abandoned.Ticket.Clock);
            }

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
    public void SaveFailed(DbContext? context) => End(Take(context, pending => pending.Saving?.ToCommitted(copyRows: false), pending => pending.Saving = null));

    /// <summary>The transaction rolled back, failed or was replaced: nothing saved in it is invalidated.</summary>
    public void TransactionEnded(DbContext? context) => End(Commit(context));

    public async ValueTask InvalidateAsync(Committed? committed, CancellationToken cancellationToken)
    {
        if (committed is null)
        {
            return;
        }

        try
        {
            if (committed.Changes.Count > 0)
            {
                await invalidator.InvalidateAsync(committed.Changes, WithoutUnorderedUpdates(committed.Rows), cancellationToken);
            }
        }
        finally
        {
            End(committed);
        }
    }

    public void Invalidate(Committed? committed)
    {
        if (committed is null)
        {
            return;
        }

        try
        {
            if (committed.Changes.Count > 0)
            {
                // Synchronous SaveChanges: the in-process invalidation completes synchronously; an L2 one is waited for.
                var pending = invalidator.InvalidateAsync(committed.Changes, WithoutUnorderedUpdates(committed.Rows), CancellationToken.None);
                if (!pending.IsCompletedSuccessfully)
                {
                    pending.AsTask().GetAwaiter().GetResult();
                }
            }
        }
        finally
        {
            End(committed);
        }
    }

    /// <summary>
    /// Whether the tracker's original values of a modified or deleted row are the committed row it replaces: a
    /// versioned row (the version refuses the save otherwise) that was read by the context, not attached with every
    /// property marked modified (<c>Update</c>: its original values are its new ones).
    /// </summary>
    private static bool HasCommittedOldImage(EntityEntry entry) =>
        entry.Entity is IVersioned
        && (entry.State == EntityState.Deleted || entry.Properties.Any(p => !p.IsModified && !p.Metadata.IsPrimaryKey()));

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

    /// <summary>
    /// The rows with the updates and deletes left out (their types invalidated instead) for a company with an earlier
    /// write still in flight: this write's old image may not have reached the cached values yet (<see cref="WritesInFlight"/>).
    /// </summary>
    private CommittedRows? WithoutUnorderedUpdates(CommittedRows? rows)
    {
        if (rows is null || !rows.Changed.Any(r => r.Before is not null))
        {
            return rows;
        }

        var notApplicable = new HashSet<(int CompanyId, Type EntityType)>(rows.NotApplicable);
        foreach (var row in rows.Changed)
        {
            if (row.Before is not null && inFlight.EarlierInFlight(row.CompanyId, rows.Ticket.Clock))
            {
                notApplicable.Add((row.CompanyId, row.EntityType));
            }
        }

        return notApplicable.Count == rows.NotApplicable.Count ? rows : rows with { NotApplicable = notApplicable };
    }

    private void End(Committed? committed)
    {
        if (committed is not null)
        {
            foreach (var (companies, ticket) in committed.Writes)
            {
                inFlight.End(companies, ticket);
            }
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

        public HashSet<int> Companies { get; } = [];

        /// <summary>Rows whose change may be applied: the entry, its companies, its old image (null for an insert), whether it is deleted.</summary>
        public List<(EntityEntry Entry, int[] Companies, object? Before, bool Deleted)> Rows { get; } = [];

        public HashSet<(int, Type)> NotApplicable { get; } = [];

        public WriteTicket Ticket { get; set; }

        /// <summary>After the save: the rows copied as saved (generated ids and new versions set), with their loaded references.</summary>
        public Committed ToCommitted(bool copyRows = true)
        {
            var changed = new List<ChangedRow>();
            foreach (var (entry, companies, before, deleted) in copyRows ? Rows : [])
            {
                object? after = null;
                if (!deleted)
                {
                    after = entry.CurrentValues.ToObject();
                    foreach (var reference in entry.References)
                    {
                        if (reference.CurrentValue is { } target)
                        {
                            reference.Metadata.PropertyInfo?.SetValue(after, target);
                        }
                    }
                }

                changed.AddRange(companies.Select(companyId => new ChangedRow(companyId, entry.Metadata.ClrType, before, after)));
            }

            return new Committed(Changes, new CommittedRows(Ticket, changed, NotApplicable), [(Companies, Ticket.Clock)]);
        }
    }

    private sealed class Pending
    {
        public Save? Saving { get; set; }

        public Committed? InTransaction { get; set; }
    }
}

/// <summary>What a commit changed: the changes to invalidate, and the changed rows that may be applied instead.</summary>
/// <param name="Changes">Company, type and time of every changed row.</param>
/// <param name="Rows">The changed rows and the write's ticket; null when nothing can be applied.</param>
/// <param name="Writes">The saves it is made of (companies and ticket), in flight until it is handed over or dropped.</param>
internal sealed record Committed(IReadOnlyCollection<EntityChange> Changes, CommittedRows? Rows, IReadOnlyList<(IReadOnlyCollection<int> Companies, long Ticket)> Writes)
{
    /// <summary>This save followed by a later one in the same transaction: the first save's ticket stands for both (the earliest start).</summary>
    public Committed Then(Committed later) => new(
        [.. Changes.Union(later.Changes)],
        Rows is null || later.Rows is null
            ? null
            : new CommittedRows(Rows.Ticket, [.. Rows.Changed, .. later.Rows.Changed], Rows.NotApplicable.Union(later.Rows.NotApplicable).ToHashSet()),
        [.. Writes, .. later.Writes]);
}
