using AskProAI.Caching;
using AskProAI.Web.Features.Widgets;

namespace AskProAI.Web.Features.Invalidation;

/// <summary>
/// Maps changed entity types to the widgets that declare them as dependencies and invalidates
/// <c>widget:{name}:{company}</c> for that company only; other companies' entries are never touched.
/// </summary>
internal sealed class WidgetInvalidator(
    WidgetCatalog widgets,
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
        var names = widgets.NamesDependingOn(changedEntityTypes);
        await InvalidateDaysAsync(companyId, [.. changedEntityTypes.Select(t => new EntityChange(companyId, t))], CancellationToken.None);
        await InvalidateWidgetsAsync(companyId, names, CancellationToken.None);
        return names;
    }

    public async ValueTask InvalidateAsync(IReadOnlyCollection<EntityChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var company in changes.GroupBy(c => c.CompanyId))
        {
            if (company.Key > 0)
            {
                // Days first, then the widgets' own entries: a computation that starts in between must not find old days.
                await InvalidateDaysAsync(company.Key, [.. company], cancellationToken);
                await InvalidateWidgetsAsync(company.Key, widgets.NamesDependingOn(company.Select(c => c.EntityType)), cancellationToken);
            }
        }
    }

    public async ValueTask InvalidateAsync(IReadOnlyCollection<EntityChange> changes, CommittedRows? rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (rows is null)
        {
            await InvalidateAsync(changes, cancellationToken);
            return;
        }

        foreach (var company in changes.GroupBy(c => c.CompanyId))
        {
            if (company.Key <= 0)
            {
                continue;
            }

            var companyId = company.Key;
            var inserted = rows.Inserted.Where(r => r.CompanyId == companyId).ToList();

            // Days first, then the widgets' own entries (as for invalidation): a value composed in between finds the days updated.
            var dayChanges = new List<EntityChange>();
            foreach (var change in company)
            {
                dayChanges.Add(change);
            }

            await ApplyOrInvalidateDaysAsync(companyId, [.. dayChanges], rows, inserted, cancellationToken);

            var names = widgets.NamesDependingOn(company.Select(c => c.EntityType));
            var dropped = new List<string>();
            foreach (var name in names)
            {
                var definition = widgets.All.First(d => d.Name == name);
                if (definition.ApplyInsert is { } apply && CanApply(definition, companyId, rows) && cache.TryGetWidget(name, out var handle))
                {
                    var relevant = inserted.Where(r => definition.DependsOn.Contains(r.EntityType)).ToList();
                    try
                    {
                        await cache.ApplyChangeAsync<(List<InsertedRow> Rows, Func<object, InsertedRow, object?> Apply), object>(
                            handle,
                            companyId,
                            rows.Ticket,
                            (relevant, apply),
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
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        Log.InvalidationFailed(logger, exception, companyId);
                    }

                    continue;
                }

                dropped.Add(name);
            }

            await InvalidateWidgetsAsync(companyId, [.. dropped], cancellationToken, notify: false);
            if (names.Length > 0)
            {
                Log.WidgetsInvalidated(logger, companyId, names.Length);
                Notify(companyId, names);
            }
        }
    }

    /// <summary>Whether the write only inserted rows of the types the widget depends on (an update's old values may be stale).</summary>
    private static bool CanApply(WidgetDefinition definition, int companyId, CommittedRows rows) =>
        !definition.DependsOn.Any(t => rows.NotInsertOnly.Contains((companyId, t)));

    private async ValueTask ApplyOrInvalidateDaysAsync(int companyId, EntityChange[] changes, CommittedRows rows, List<InsertedRow> inserted, CancellationToken cancellationToken)
    {
        foreach (var definition in _dayWidgets)
        {
            var relevant = changes.Where(c => definition.DependsOn.Contains(c.EntityType)).ToList();
            if (relevant.Count == 0)
            {
                continue;
            }

            if (definition.ApplyDays is { } applyDays
                && CanApply(definition, companyId, rows)
                && relevant.All(c => c.At is not null && definition.DayKeys.ContainsKey(c.EntityType))
                && cache.TryGetWidget(definition.Name, out var handle))
            {
                try
                {
                    var zone = await zones.GetAsync(companyId, null, cancellationToken);
                    var rowsOfWidget = inserted.Where(r => definition.DependsOn.Contains(r.EntityType)).ToList();
                    await applyDays(new DayPartsWrite(segments, handle, companyId, zone, rows.Ticket, rowsOfWidget), cancellationToken);
                    continue;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.InvalidationFailed(logger, exception, companyId);
                    await segments.InvalidateAllDaysAsync(handle, companyId, CancellationToken.None);
                    continue;
                }
            }

            await InvalidateDaysAsync(companyId, [.. relevant], cancellationToken);
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
            foreach (var tag in tags)
            {
                await cache.InvalidateAsync(tag, cancellationToken);
            }
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
    /// Invalidates the days of day-part widgets that the changes touched: the local days (company zone) of the rows'
    /// old and new times, or every day when a change has no time (a branch or company row, a bulk write).
    /// </summary>
    private async ValueTask InvalidateDaysAsync(int companyId, EntityChange[] changes, CancellationToken cancellationToken)
    {
        if (changes.Any(c => c.EntityType == typeof(Data.Company)))
        {
            zones.Forget(companyId);
        }

        foreach (var definition in _dayWidgets)
        {
            if (!cache.TryGetWidget(definition.Name, out var handle))
            {
                continue;
            }

            var relevant = changes.Where(c => definition.DependsOn.Contains(c.EntityType)).ToList();
            if (relevant.Count == 0)
            {
                continue;
            }

            try
            {
                if (relevant.Any(c => c.At is null || !definition.DayKeys.ContainsKey(c.EntityType)))
                {
                    await segments.InvalidateAllDaysAsync(handle, companyId, cancellationToken);
                    continue;
                }

                var zone = await zones.GetAsync(companyId, null, cancellationToken);
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
    }

    private async ValueTask InvalidateWidgetsAsync(int companyId, string[] names, CancellationToken cancellationToken, bool notify = true)
    {
        if (names.Length == 0)
        {
            return;
        }

        try
        {
            foreach (var name in names)
            {
                await cache.InvalidateAsync(CacheTag.CompanyWidget(name, companyId), cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The data is committed; failing the request now would make the client retry a write that happened.
            Log.InvalidationFailed(logger, exception, companyId);
            return;
        }

        if (notify)
        {
            Log.WidgetsInvalidated(logger, companyId, names.Length);
            Notify(companyId, names);
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
