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
    /// After a commit: applies the changed rows to the cached values that cannot contain them yet, where every
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
/// What one save changed that may be applied to cached values: the inserted rows, and the updated and deleted rows of
/// versioned types with their committed old image (ADR 0015, 0022); copies taken after the save (ids and new versions
/// set, loaded references such as a call's branch included), the write's ticket, and the (company, type) pairs with a
/// change that cannot be applied (those are invalidated: an unversioned row's old values may be stale).
/// </summary>
/// <param name="Ticket">Taken before the save's statements ran.</param>
/// <param name="Changed">The changed rows of tracked types, by company, in the order they were saved.</param>
/// <param name="NotApplicable">(company, type) pairs with a change in the same write that cannot be applied.</param>
internal sealed record CommittedRows(WriteTicket Ticket, IReadOnlyList<ChangedRow> Changed, IReadOnlySet<(int CompanyId, Type EntityType)> NotApplicable);

/// <summary>One changed row: an insert has no <paramref name="Before"/>, a delete no <paramref name="After"/>.</summary>
/// <param name="CompanyId">The row's company.</param>
/// <param name="EntityType">The row's entity type.</param>
/// <param name="Before">The committed row the write replaced (its tracker's original values), or null for an insert.</param>
/// <param name="After">A copy of the row as saved, with its loaded references, or null for a delete.</param>
internal sealed record ChangedRow(int CompanyId, Type EntityType, object? Before, object? After)
{
    /// <summary>Gets whether the row was inserted.</summary>
    public bool IsInsert => Before is null;
}
