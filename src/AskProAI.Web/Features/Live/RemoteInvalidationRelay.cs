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
        cache.RemoteInvalidationApplied += OnRemoteInvalidation;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        cache.RemoteInvalidationApplied -= OnRemoteInvalidation;
        return Task.CompletedTask;
    }

    private void OnRemoteInvalidation(CacheTag tag)
    {
        // Only company-scoped tags reach a company's group; a global tag (an operator's clear) pushes nothing.
        if (!tag.IsCompanyScoped)
        {
            return;
        }

        var names = widgets.NamesMatching([tag], tag.CompanyId);
        if (names.Length == 0)
        {
            return;
        }

        foreach (var notifier in _notifiers)
        {
            notifier.WidgetsChanged(tag.CompanyId, names);
        }
    }
}
