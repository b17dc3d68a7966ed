using System.Collections.Concurrent;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Tenancy;

/// <summary>
/// Which company ids exist, loaded once from the database; an id not known is looked up again (companies are
/// only ever added), so a request for an unknown company costs one primary-key lookup and no widget query.
/// </summary>
internal sealed class CompanyDirectory(IDbContextFactory<AskProDbContext> dbFactory)
{
    private readonly ConcurrentDictionary<int, bool> _known = new();
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private volatile bool _loaded;

    /// <summary>Whether a company with this id exists.</summary>
    public async ValueTask<bool> ExistsAsync(int companyId, CancellationToken cancellationToken)
    {
        if (!_loaded)
        {
            await LoadAsync(cancellationToken);
        }

        if (_known.ContainsKey(companyId))
        {
            return true;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Companies.AsNoTracking().AnyAsync(c => c.Id == companyId, cancellationToken))
        {
            return false;
        }

        _known.TryAdd(companyId, true);
        return true;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _loadGate.WaitAsync(cancellationToken);
        try
        {
            if (_loaded)
            {
                return;
            }

            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            foreach (var id in await db.Companies.AsNoTracking().Select(c => c.Id).ToListAsync(cancellationToken))
            {
                _known.TryAdd(id, true);
            }

            _loaded = true;
        }
        finally
        {
            _loadGate.Release();
        }
    }
}
