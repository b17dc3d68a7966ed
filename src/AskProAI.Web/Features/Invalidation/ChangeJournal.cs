using System.Runtime.CompilerServices;
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
internal sealed class ChangeJournal(WidgetCatalog widgets, IWidgetInvalidator invalidator)
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
            foreach (var companyId in CompaniesOf(entry))
            {
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
        }
    }

    /// <summary>After a successful save: the changes to invalidate now, or null when a transaction is still open.</summary>
    public IReadOnlyCollection<EntityChange>? Saved(DbContext context)
    {
        if (!_pending.TryGetValue(context, out var pending))
        {
            return null;
        }

        lock (pending)
        {
            var saved = pending.Saving;
            pending.Saving = null;
            if (saved is null || context.Database.CurrentTransaction is null)
            {
                return saved;
            }

            (pending.InTransaction ??= []).UnionWith(saved);
            return null;
        }
    }

    /// <summary>After the explicit transaction committed: everything saved in it.</summary>
    public IReadOnlyCollection<EntityChange>? Committed(DbContext? context) => Take(context, saving: false);

    /// <summary>The save failed: nothing it tried to change is invalidated.</summary>
    public void SaveFailed(DbContext? context) => Take(context, saving: true);

    /// <summary>The transaction rolled back, failed or was replaced: nothing saved in it is invalidated.</summary>
    public void TransactionEnded(DbContext? context) => Take(context, saving: false);

    public ValueTask InvalidateAsync(IReadOnlyCollection<EntityChange>? changes, CancellationToken cancellationToken) =>
        changes is { Count: > 0 } ? invalidator.InvalidateAsync(changes, cancellationToken) : ValueTask.CompletedTask;

    public void Invalidate(IReadOnlyCollection<EntityChange>? changes)
    {
        if (changes is { Count: > 0 })
        {
            // Synchronous SaveChanges: the in-process invalidation completes synchronously; an L2 one is waited for.
            var pending = invalidator.InvalidateAsync(changes, CancellationToken.None);
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
    }
}
