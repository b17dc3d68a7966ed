using AskProAI.Web.Features.Invalidation;
using Microsoft.AspNetCore.SignalR;

namespace AskProAI.Web.Features.Live;

/// <summary>
/// Sends <c>widgetsChanged</c> to the company's group after an invalidation. Fire and forget: a slow connection must
/// not hold up the write that caused it, and the invalidation (which is what freshness rests on) already happened.
/// </summary>
internal sealed class HubWidgetChangeNotifier(IHubContext<DashboardHub> hub, ILogger<HubWidgetChangeNotifier> logger) : IWidgetChangeNotifier
{
    public void WidgetsChanged(int companyId, IReadOnlyList<string> widgets) => _ = SendAsync(companyId, widgets);

    private async Task SendAsync(int companyId, IReadOnlyList<string> widgets)
    {
        try
        {
            await hub.Clients.Group(DashboardHub.GroupOf(companyId))
                .SendAsync(DashboardHub.WidgetsChangedMethod, new WidgetsChanged(companyId, widgets));
        }
        catch (Exception exception)
        {
            Log.LivePushFailed(logger, exception, companyId);
        }
    }
}
