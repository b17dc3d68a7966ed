using System.Text.Json;
using AskProAI.Caching;
using AskProAI.Web.Features.Invalidation;
using AskProAI.Web.Features.Widgets;
using Microsoft.AspNetCore.SignalR;

namespace AskProAI.Web.Features.Live;

/// <summary>
/// Sends <c>widgetsChanged</c> to the company's group after an invalidation, with the live widget's new value when a
/// connection here watches the company (ADR 0026): the page shows it without a request of its own. Fire and forget: a
/// slow connection must not hold up the write that caused it, and the invalidation (which is what freshness rests on)
/// already happened.
/// <para>
/// One company's pushes go out one after another, each reading the value after the change it announces: a push never
/// overtakes an earlier one with an older value. Changes that arrive while a push is being read and sent are sent
/// together right after it (their widget names merged, the value read once more), so a burst costs each instance a
/// read per push it sends, not one per change.
/// </para>
/// </summary>
internal sealed class HubWidgetChangeNotifier(
    IHubContext<DashboardHub> hub,
    WatchedCompanies watched,
    Lazy<WidgetRegistry> widgets,
    WidgetJson json,
    TimeProvider time,
    ILogger<HubWidgetChangeNotifier> logger) : IWidgetChangeNotifier
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, CompanyPushes> _companies = new();

    public void WidgetsChanged(int companyId, IReadOnlyList<string> widgets)
    {
        var pushes = _companies.GetOrAdd(companyId, static _ => new CompanyPushes());
        lock (pushes)
        {
            pushes.Pending.UnionWith(widgets);
            if (pushes.Sending)
            {
                return;
            }

            pushes.Sending = true;
        }

        _ = Task.Run(() => SendAllAsync(companyId, pushes));
    }

    private async Task SendAllAsync(int companyId, CompanyPushes pushes)
    {
        while (true)
        {
            string[] names;
            lock (pushes)
            {
                if (pushes.Pending.Count == 0)
                {
                    pushes.Sending = false;
                    return;
                }

                names = [.. pushes.Pending];
                pushes.Pending.Clear();
            }

            await SendAsync(companyId, names);
        }
    }

    private async Task SendAsync(int companyId, string[] names)
    {
        try
        {
            var live = Array.IndexOf(names, LiveCallsWidget.Definition.Name) >= 0 && watched.IsWatched(companyId)
                ? await ReadLiveAsync(companyId)
                : null;
            await hub.Clients.Group(DashboardHub.GroupOf(companyId))
                .SendAsync(DashboardHub.WidgetsChangedMethod, new WidgetsChanged(companyId, names, live));
        }
        catch (Exception exception)
        {
            Log.LivePushFailed(logger, exception, companyId);
        }
    }

    /// <summary>
    /// The live widget as a request would get it (its cache: an L1 hit on one node, where the write was applied to it; in
    /// distributed mode the L2 copy the writer stored before announcing the write). Null when it cannot be read now: the
    /// page then fetches it.
    /// </summary>
    private async Task<PushedWidget?> ReadLiveAsync(int companyId)
    {
        if (!widgets.Value.TryGet(LiveCallsWidget.Definition.Name, out var live))
        {
            return null;
        }

        try
        {
            var result = await live.GetAsync(companyId, CancellationToken.None);
            var age = (long)Math.Max(0, (time.GetUtcNow() - result.ComputedAt).TotalSeconds);
            return new PushedWidget(live.Name, result.Outcome.ToHeader(), age, JsonSerializer.Deserialize<JsonElement>(json.Of(result)));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.LivePushReadFailed(logger, exception, companyId);
            return null;
        }
    }

    /// <summary>One company's pending widget names and whether a push is being sent.</summary>
    private sealed class CompanyPushes
    {
        public HashSet<string> Pending { get; } = new(StringComparer.Ordinal);

        public bool Sending { get; set; }
    }
}
