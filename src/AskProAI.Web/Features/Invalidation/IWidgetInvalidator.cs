using AskProAI.Caching;

namespace AskProAI.Web.Features.Invalidation;

/// <summary>
/// Invalidates the widgets of one company whose data changed, then tells open dashboards. The change tracker
/// observers call it after commit; code that writes around the change tracker (<c>ExecuteUpdate</c>,
/// <c>ExecuteDelete</c>, raw SQL) calls it itself, after its transaction committed.
/// </summary>
internal interface IWidgetInvalidator
{
    /// <summary>Invalidates every widget of the company that depends on one of the entity types.</summary>
    /// <returns>The names of the widgets invalidated.</returns>
    ValueTask<IReadOnlyList<string>> InvalidateAsync(int companyId, params Type[] changedEntityTypes);

    /// <summary>Invalidates the widgets depending on each changed entity, per company.</summary>
    ValueTask InvalidateAsync(IReadOnlyCollection<EntityChange> changes, CancellationToken cancellationToken = default);

    /// <summary>
    /// After a commit: applies the inserted rows to the cached values that cannot contain them yet, where every
    /// widget (and day part) involved can (ADR 0015), and invalidates everything else <paramref name="changes"/> touched.
    /// </summary>
    ValueTask InvalidateAsync(IReadOnlyCollection<EntityChange> changes, CommittedRows? rows, CancellationToken cancellationToken = default) =>
        InvalidateAsync(changes, cancellationToken);

    /// <summary>Invalidates tags that are already narrowed to the company (see <see cref="CompanyTags"/>).</summary>
    /// <returns>The names of the widgets of the company the tags select.</returns>
    ValueTask<IReadOnlyList<string>> InvalidateTagsAsync(int companyId, IReadOnlyCollection<CacheTag> tags, CancellationToken cancellationToken = default);
}

/// <summary>Hears which widgets of a company were invalidated, after the invalidation (live push).</summary>
internal interface IWidgetChangeNotifier
{
    /// <summary>Reports invalidated widgets; must not block or throw.</summary>
    void WidgetsChanged(int companyId, IReadOnlyList<string> widgets);
}

/// <summary>One changed row, reduced to what invalidation needs.</summary>
/// <param name="CompanyId">The company the row belongs to.</param>
/// <param name="EntityType">The row's entity CLR type.</param>
/// <param name="At">
/// For a type a day-part widget keys by time (<see cref="Widgets.WidgetDefinition.DayKeys"/>): one of the row's times (its
/// old or new value), whose local day the write touched; null when unknown (then every day of the company is invalidated).
/// </param>
internal readonly record struct EntityChange(int CompanyId, Type EntityType, DateTime? At = null);

/// <summary>
/// What one save inserted, for applying to cached values: the rows (copies taken after the save, ids included, with
/// their loaded references such as a call's branch), the write's ticket, and the (company, type) pairs that had a
/// change other than an insert (those are invalidated, never applied: an update's old values may be stale).
/// </summary>
/// <param name="Ticket">Taken before the save's statements ran.</param>
/// <param name="Inserted">The inserted rows of tracked types, by company.</param>
/// <param name="NotInsertOnly">(company, type) pairs with an update or delete in the same write.</param>
internal sealed record CommittedRows(WriteTicket Ticket, IReadOnlyList<InsertedRow> Inserted, IReadOnlySet<(int CompanyId, Type EntityType)> NotInsertOnly);

/// <summary>One inserted row.</summary>
/// <param name="CompanyId">The row's company.</param>
/// <param name="EntityType">The row's entity type.</param>
/// <param name="Row">A copy of the row as saved (its generated id set), with its loaded references.</param>
internal sealed record InsertedRow(int CompanyId, Type EntityType, object Row);
