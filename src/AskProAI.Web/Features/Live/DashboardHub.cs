using System.Globalization;
using AskProAI.Web.Features.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace AskProAI.Web.Features.Live;

/// <summary>
/// <c>/hubs/dashboard</c>: open dashboards hear <c>widgetsChanged</c> for the one company they watch. A connection
/// joins its own company on connect; <see cref="Watch"/> switches to another company after the tenant check
/// (a manager only their own, a SuperAdmin any).
/// </summary>
[Authorize]
internal sealed class DashboardHub(CompanyDirectory companies, ILogger<DashboardHub> logger) : Hub
{
    /// <summary>The client method that receives <see cref="WidgetsChanged"/>.</summary>
    public const string WidgetsChangedMethod = "widgetsChanged";

    private const string WatchedKey = "askpro:watched";

    /// <summary>The group of one company's connections.</summary>
    public static string GroupOf(int companyId) => "company:" + companyId.ToString(CultureInfo.InvariantCulture);

    public override async Task OnConnectedAsync()
    {
        if (TenantGate.CompanyOf(Context.User!) is int own && await companies.ExistsAsync(own, Context.ConnectionAborted))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(own), Context.ConnectionAborted);
            Context.Items[WatchedKey] = own;
        }

        await base.OnConnectedAsync();
    }

    /// <summary>Watches a company instead of the one watched so far.</summary>
    /// <returns>The company now watched.</returns>
    /// <exception cref="HubException">The user may not see the company, or it does not exist.</exception>
    public async Task<int> Watch(int companyId)
    {
        if (companyId <= 0 || !TenantGate.CanAccess(Context.User!, companyId))
        {
            Log.HubWatchRefused(logger);
            throw new HubException("You may only watch your own company.");
        }

        if (!await companies.ExistsAsync(companyId, Context.ConnectionAborted))
        {
            throw new HubException("No company has this id.");
        }

        if (Context.Items.TryGetValue(WatchedKey, out var watched) && watched is int previous && previous != companyId)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(previous));
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(companyId));
        Context.Items[WatchedKey] = companyId;
        return companyId;
    }
}

/// <summary>The <c>widgetsChanged</c> message: widgets of a company whose cached values were invalidated.</summary>
/// <param name="CompanyId">The company.</param>
/// <param name="Widgets">The widget names to fetch again.</param>
internal sealed record WidgetsChanged(int CompanyId, IReadOnlyList<string> Widgets);
