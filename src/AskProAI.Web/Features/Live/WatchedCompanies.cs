using System.Collections.Concurrent;

namespace AskProAI.Web.Features.Live;

/// <summary>
/// How many of this instance's dashboard connections watch each company: a push reads the live widget's value only
/// for a company someone here watches (ADR 0026), not for every company a write reaches.
/// </summary>
internal sealed class WatchedCompanies
{
    private readonly ConcurrentDictionary<int, int> _watchers = new();

    /// <summary>Whether a connection of this instance watches the company.</summary>
    public bool IsWatched(int companyId) => _watchers.TryGetValue(companyId, out var count) && count > 0;

    /// <summary>A connection started watching the company.</summary>
    public void Add(int companyId) => _watchers.AddOrUpdate(companyId, 1, static (_, count) => count + 1);

    /// <summary>A connection stopped watching the company (switched, or closed).</summary>
    public void Remove(int companyId)
    {
        while (_watchers.TryGetValue(companyId, out var count))
        {
            if (count <= 1 ? _watchers.TryRemove(new KeyValuePair<int, int>(companyId, count)) : _watchers.TryUpdate(companyId, count - 1, count))
            {
                return;
            }
        }
    }
}
