using AskProAI.Caching;
using AskProAI.Web.Features.Widgets;

namespace AskProAI.Web.Features.Invalidation;

/// <summary>
/// Maps changed entity types to the widgets that declare them as dependencies and invalidates
/// <c>widget:{name}:{company}</c> for that company only; other companies' entries are never touched.
/// </summary>
internal sealed class WidgetInvalidator(
    WidgetCatalog widgets,
    Lazy<WidgetRegistry> registry,
    IWidgetCache cache,
    IDaySegmentCache segments,
    CompanyTimeZones zones,
    IEnumerable<IWidgetChangeNotifier> notifiers,
    ILogger<WidgetInvalidator> logger) : IWidgetInvalidator
{
    private readonly IWidgetChangeNotifier[] _notifiers = [.. notifiers];
    private readonly WidgetDefinition[] _dayWidgets = [.. widgets.All.Where(d => d.DayKeys.Count > 0)];

    public async ValueTask<IReadOnlyList<string>> InvalidateAsync(int companyId, params Type[] changedEntityTypes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        ArgumentNullException.ThrowIfNull(changedEntityTypes);
        await ChangeCompanyAsync(companyId, [.. changedEntityTypes.Select(t => new EntityChange(companyId, t))], rows: null, CancellationToken.None);
        return widgets.NamesDependingOn(changedEntityTypes);
    }

    public ValueTask InvalidateAsync(IReadOnlyCollection<EntityChange> changes, CancellationToken cancellationToken = default) =>
        InvalidateAsync(changes, rows: null, cancellationToken);

    public async ValueTask InvalidateAsync(IReadOnlyCollection<EntityChange> changes, CommittedRows? rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var company in changes.GroupBy(c => c.CompanyId))
        {
            if (company.Key > 0)
            {
                await ChangeCompanyAsync(company.Key, [.. company], rows, cancellationToken);
            }
        }
    }

    public async ValueTask<IReadOnlyList<string>> InvalidateTagsAsync(int companyId, IReadOnlyCollection<CacheTag> tags, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            // Refuse a tag that could reach another company: the callers narrow first.
            if (tag.CompanyId != companyId)
            {
                throw new ArgumentException($"The tag {tag} is not narrowed to company {companyId}.", nameof(tags));
            }
        }

        try
        {
            await cache.InvalidateAsync([.. tags], cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.InvalidationFailed(logger, exception, companyId);
            throw;
        }

        var names = widgets.NamesMatching(tags, companyId);
        Notify(companyId, names);
        return names;
    }

    /// <summary>
    /// One company's committed changes. Days first, then the widgets' own entries: a value composed in between must not
    /// find old days. Changed rows (<paramref name="rows"/>: inserts, versioned updates and deletes) are applied where the widget can (ADR 0015, 0022); everything
    /// else is invalidated.
    /// </summary>
    private async ValueTask ChangeCompanyAsync(int companyId, EntityChange[] changes, CommittedRows? rows, CancellationToken cancellationToken)
    {
        if (changes.Any(c => c.EntityType == typeof(Data.Company)))
        {
            zones.Forget(companyId);
        }

        List<ChangedRow> changed = rows is null ? [] : [.. rows.Changed.Where(r => r.CompanyId == companyId)];
        foreach (var definition in _dayWidgets)
        {
            var relevant = changes.Where(c => definition.DependsOn.Contains(c.EntityType)).ToList();
            if (relevant.Count > 0 && cache.TryGetWidget(definition.Name, out var handle))
            {
                await ChangeDaysAsync(definition, handle, companyId, relevant, rows, RowsOf(definition, changed), cancellationToken);
            }
        }

        var affected = widgets.DependingOn(changes.Select(c => c.EntityType));
        var dropped = new List<string>();
        foreach (var definition in affected)
        {
            if (rows is null
                || definition.ApplyChange is not { } apply
                || !CanApply(definition, companyId, rows)
                || !cache.TryGetWidget(definition.Name, out var handle)
                || !cache.CanApplyChanges(handle, companyId)
                || !await TryApplyAsync(handle, companyId, rows.Ticket, RowsOf(definition, changed), apply, cancellationToken))
            {
                dropped.Add(definition.Name);
            }
        }

        if (affected.Length > 0)
        {
            string[] names = [.. affected.Select(d => d.Name)];
            if (await InvalidateWidgetsAsync(companyId, [.. dropped], names, cancellationToken))
            {
                Log.WidgetsInvalidated(logger, companyId, names.Length);
            }
        }
    }

    /// <summary>
    /// The days of a day-part widget that the changes touched: the changed rows applied to their days when every change
    /// can be (the old row out of its day, the new one into its day), else the local days (company zone) of the rows' old and new times invalidated, or every day when a
    /// change has no time (a branch or company row, a bulk write).
    /// </summary>
    private async ValueTask ChangeDaysAsync(
        WidgetDefinition definition, WidgetHandle handle, int companyId, List<EntityChange> relevant, CommittedRows? rows, List<ChangedRow> changed, CancellationToken cancellationToken)
    {
        try
        {
            if (relevant.Any(c => c.At is null || !definition.DayKeys.ContainsKey(c.EntityType)))
            {
                await segments.InvalidateAllDaysAsync(handle, companyId, cancellationToken);
                return;
            }

            var zone = await zones.GetAsync(companyId, null, cancellationToken);
            if (rows is not null && definition.ApplyDays is { } applyDays && CanApply(definition, companyId, rows))
            {
                await applyDays(new DayPartsWrite(segments, handle, companyId, zone, rows.Ticket, changed), cancellationToken);
                return;
            }

            DateTimeOffset[] instants = [.. relevant.Select(c => new DateTimeOffset(DateTime.SpecifyKind(c.At!.Value, DateTimeKind.Utc)))];
            await segments.InvalidateDaysAsync(handle, companyId, zone, instants, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The zone could not be read (or the days not reached): drop every day, which needs neither.
            Log.InvalidationFailed(logger, exception, companyId);
            await segments.InvalidateAllDaysAsync(handle, companyId, CancellationToken.None);
        }
    }

    /// <summary>Applies the changed rows to the widget's cached values, in order; false when that failed (the caller invalidates).</summary>
    private async ValueTask<bool> TryApplyAsync(
        WidgetHandle handle, int companyId, WriteTicket ticket, List<ChangedRow> rows, Func<object, ChangedRow, object?> apply, CancellationToken cancellationToken)
    {
        try
        {
            // Whether every value could be updated or the engine dropped some, the widget is taken care of.
            await cache.ApplyChangeAsync<(List<ChangedRow> Rows, Func<object, ChangedRow, object?> Apply), object>(
                handle,
                companyId,
                ticket,
                (rows, apply),
                static (value, s) =>
                {
                    object? updated = value;
                    foreach (var row in s.Rows)
                    {
                        updated = updated is null ? null : s.Apply(updated, row);
                    }

                    return updated;
                },
                cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.InvalidationFailed(logger, exception, companyId);
            return false;
        }
    }

    /// <summary>Whether every change of the types the widget depends on can be applied (inserts, versioned updates and deletes in order, ADR 0022).</summary>
    private static bool CanApply(WidgetDefinition definition, int companyId, CommittedRows rows) =>
        !definition.DependsOn.Any(t => rows.NotApplicable.Contains((companyId, t)));

    private static List<ChangedRow> RowsOf(WidgetDefinition definition, List<ChangedRow> changed) =>
        [.. changed.Where(r => definition.DependsOn.Contains(r.EntityType))];

    /// <summary>
    /// Invalidates the widgets' own entries (<paramref name="names"/>) and tells this instance's viewers that the
    /// <paramref name="changed"/> widgets changed; false when the invalidation failed (logged: the data is committed).
    /// </summary>
    private async ValueTask<bool> InvalidateWidgetsAsync(int companyId, string[] names, string[] changed, CancellationToken cancellationToken)
    {
        var notified = false;
        try
        {
            // Together: in distributed mode one round trip to L2 and one backplane message (one live push on the other
            // instances) for the write, whatever number of widgets it touched.
            CacheTag[] tags = [.. names.Select(name => CacheTag.CompanyWidget(name, companyId))];
            var live = LiveWidgetsToRecompute(companyId, names);
            await cache.InvalidateAsync(
                tags,
                live.Length == 0
                    ? null
                    : async ct =>
                    {
                        await RecomputeAsync(live, companyId, ct);

                        // This instance's viewers are told as soon as the new live value is here, not after the other
                        // instances acknowledged the message: they push when they handle it, so waiting for their answers
                        // only delayed this instance's viewers by that round trip. The aggregates a page fetches after
                        // a push come a second later at the earliest (dashboard.js, PUSH_QUIET_MS).
                        notified = true;
                        Notify(companyId, changed);
                    },
                cancellationToken);
            if (!notified)
            {
                Notify(companyId, changed);
            }

            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The data is committed; failing the request now would make the client retry a write that happened.
            Log.InvalidationFailed(logger, exception, companyId);
            return false;
        }
    }

    /// <summary>
    /// The live widgets among the dropped ones, cached for this company: the writer computes each once before the other
    /// instances hear of the write, so their open dashboards get the new value from L2 (ADR 0026) instead of every
    /// instance computing it (or waiting for the one that holds the lock). Distributed mode only: on a single node a
    /// write is applied to the live value, and one that is not leaves the computation to the push's read.
    /// </summary>
    private RegisteredWidget[] LiveWidgetsToRecompute(int companyId, string[] names)
    {
        List<RegisteredWidget>? live = null;
        foreach (var name in names)
        {
            // Optimized but not applicable: distributed mode. On one node the push's own read computes it, if anyone watches.
            if (registry.Value.TryGet(name, out var widget)
                && widget.Handle.Tier == WidgetTier.Live
                && widget.Handle.ModeFor(companyId) == CacheMode.Optimized
                && !cache.CanApplyChanges(widget.Handle, companyId))
            {
                (live ??= []).Add(widget);
            }
        }

        return live is null ? [] : [.. live];
    }

    /// <summary>
    /// Computes each widget from the database and writes it to L2, without first reading L2 (just invalidated) or taking
    /// the distributed lock (no other instance computes the new value before it hears of the write).
    /// </summary>
    private async ValueTask RecomputeAsync(RegisteredWidget[] live, int companyId, CancellationToken cancellationToken)
    {
        foreach (var widget in live)
        {
            await widget.RefreshAsync(cache, companyId, coordinate: false, bucketAt: null, cancellationToken);
        }
    }

    private void Notify(int companyId, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return;
        }

        foreach (var notifier in _notifiers)
        {
            notifier.WidgetsChanged(companyId, names);
        }
    }
}
