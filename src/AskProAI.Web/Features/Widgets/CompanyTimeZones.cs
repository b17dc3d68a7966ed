using System.Collections.Concurrent;
using AskProAI.Caching;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Widgets;

/// <summary>
/// The time zone of each company, read once and kept: widgets need it on every computation and the invalidator on
/// every write (to find the local day a row belongs to). A change of the company row forgets it
/// (<see cref="Forget"/>); so does another instance's change of its days or of the whole company.
/// </summary>
internal sealed class CompanyTimeZones : IDisposable
{
    private readonly IServiceProvider _services;
    private readonly IWidgetCache _cache;
    private IDbContextFactory<AskProDbContext>? _dbFactory;
    private readonly ConcurrentDictionary<int, TimeZoneInfo> _zones = new();
    private readonly ConcurrentDictionary<int, long> _generations = new();
    private readonly Lock _gate = new();

    /// <remarks>
    /// The DbContext factory is resolved at the first read, not in the constructor: the invalidator holds this class,
    /// the EF Core interceptors hold the invalidator, and the factory's options hold the interceptors, so taking the
    /// factory here would make the container build the factory inside its own construction (it never returns).
    /// </remarks>
    public CompanyTimeZones(IServiceProvider services, IWidgetCache cache)
    {
        _services = services;
        _cache = cache;
        _cache.RemoteInvalidationApplied += OnRemoteInvalidation;
    }

    /// <summary>The company's zone (UTC when unknown), read with <paramref name="db"/> or a context of its own.</summary>
    public async ValueTask<TimeZoneInfo> GetAsync(int companyId, AskProDbContext? db, CancellationToken cancellationToken)
    {
        if (_zones.TryGetValue(companyId, out var zone))
        {
            return zone;
        }

        var generation = _generations.GetValueOrDefault(companyId);
        string? id;
        if (db is null)
        {
            _dbFactory ??= _services.GetRequiredService<IDbContextFactory<AskProDbContext>>();
            await using var own = await _dbFactory.CreateDbContextAsync(cancellationToken);
            id = await ReadAsync(own, companyId, cancellationToken);
        }
        else
        {
            id = await ReadAsync(db, companyId, cancellationToken);
        }

        zone = CompanyCalendar.Resolve(id);
        lock (_gate)
        {
            // A company changed while it was read: its old zone is not kept.
            if (_generations.GetValueOrDefault(companyId) == generation)
            {
                _zones[companyId] = zone;
            }
        }

        return zone;
    }

    /// <summary>Forgets a company's zone after its row changed (before its widgets are invalidated).</summary>
    public void Forget(int companyId)
    {
        lock (_gate)
        {
            _generations.AddOrUpdate(companyId, 1, static (_, g) => g + 1);
            _zones.TryRemove(companyId, out _);
        }
    }

    public void Dispose() => _cache.RemoteInvalidationApplied -= OnRemoteInvalidation;

    private static Task<string?> ReadAsync(AskProDbContext db, int companyId, CancellationToken cancellationToken) =>
        db.Companies.AsNoTracking().Where(c => c.Id == companyId).Select(c => c.TimeZone).FirstOrDefaultAsync(cancellationToken);

    private void OnRemoteInvalidation(CacheTag tag)
    {
        switch (tag.Kind)
        {
            case CacheTagKind.All:
                foreach (var companyId in _zones.Keys)
                {
                    Forget(companyId);
                }

                break;
            case CacheTagKind.Company:
            case CacheTagKind.CompanyWidget when tag.WidgetName == DaySegments.TagWidgetName:
                Forget(tag.CompanyId);
                break;
        }
    }
}
