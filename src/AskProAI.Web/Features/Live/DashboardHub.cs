using System.Globalization;
using AskProAI.Web.Features.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace AskProAI.Web.Features.Live;

/// <summary>
/// <c>/hubs/dashboard</c>: open dashboards hear <c>widgetsChanged</c> for the one company they watch. A connection
/// joins its own company on connect; <see cref="Watch"/> switches to another company after the tenant check
/// (a manager only their own, a SuperAdmin any). A refusal is an answer, not a <see cref="HubException"/>: SignalR logs
/// every exception thrown by a hub method as an error with its stack trace, and a refused watch is routine.
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
    /// <returns>The company now watched, or the refusal (the user may not see the company, or it does not exist).</returns>
    public async Task<WatchAnswer> Watch(int companyId)
    {
        if (companyId <= 0 || !TenantGate.CanAccess(Context.User!, companyId))
        {
            Log.HubWatchRefused(logger);
            return WatchAnswer.Refused(companyId, "You may only watch your own company.");
        }

        if (!await companies.ExistsAsync(companyId, Context.ConnectionAborted))
        {
            Log.HubWatchUnknownCompany(logger);
            return WatchAnswer.Refused(companyId, "No company has this id.");
        }

        if (Context.Items.TryGetValue(WatchedKey, out var watched) && watched is int previous && previous != companyId)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(previous));
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(companyId));
        Context.Items[WatchedKey] = companyId;
        return new WatchAnswer(companyId, Watching: true, Refusal: null);
    }
}

/// <summary>The <c>widgetsChanged</c> message: widgets of a company whose cached values were invalidated.</summary>
/// <param name="CompanyId">The company.</param>
/// <param name="Widgets">The widget names to fetch again.</param>
internal sealed record WidgetsChanged(int CompanyId, IReadOnlyList<string> Widgets);

/// <summary>The answer to <see cref="DashboardHub.Watch"/>.</summary>
/// <param name="CompanyId">The company asked for.</param>
/// <param name="Watching">Whether the connection now hears this company's changes.</param>
/// <param name="Refusal">Why not, when refused.</param>
internal sealed record WatchAnswer(int CompanyId, bool Watching, string? Refusal)
{
    /// <summary>A refused watch; the connection keeps watching what it watched before.</summary>
    public static WatchAnswer Refused(int companyId, string reason) => new(companyId, Watching: false, reason);
}
