using AskProAI.Caching;
using AskProAI.Web.Features.Invalidation;
using AskProAI.Web.Features.Widgets;

namespace AskProAI.Web.Features.Live;

/// <summary>
/// In distributed mode, tells this instance's open dashboards about a change written through another instance.
/// The push is sent only after this instance has dropped the affected entries (the cache raises the event after
/// applying the backplane message), so the page's re-fetch here cannot get the old value. A SignalR Redis
/// backplane would not give that order: its message and the cache's travel on separate channels.
/// </summary>
internal sealed class RemoteInvalidationRelay(IWidgetCache cache, WidgetRegistry widgets, IEnumerable<IWidgetChangeNotifier> notifiers) : IHostedService
{
    private readonly IWidgetChangeNotifier[] _notifiers = [.. notifiers];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cache.RemoteInvalidationsApplied += OnRemoteInvalidations;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        cache.RemoteInvalidationsApplied -= OnRemoteInvalidations;
        return Task.CompletedTask;
    }

    /// <summary>
    /// One message of another instance (one write, all its tags): one push per company with every widget it touched,
    /// so the page fetches the live widget first and alone (dashboard.js) instead of hearing one push per widget.
    /// </summary>
    private void OnRemoteInvalidations(IReadOnlyList<CacheTag> tags)
    {
        // Only company-scoped tags reach a company's group; a global tag (an operator's clear) pushes nothing.
        foreach (var company in tags.Where(t => t.IsCompanyScoped).GroupBy(t => t.CompanyId))
        {
            var names = widgets.NamesMatching([.. company], company.Key);
            if (names.Length == 0)
            {
                continue;
            }

            foreach (var notifier in _notifiers)
            {
                notifier.WidgetsChanged(company.Key, names);
            }
        }
    }
}
