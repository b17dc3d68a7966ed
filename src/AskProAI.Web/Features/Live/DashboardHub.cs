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
internal sealed class DashboardHub(CompanyDirectory companies, WatchedCompanies watched, ILogger<DashboardHub> logger) : Hub
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
            watched.Add(own);
        }

        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        if (Context.Items.TryGetValue(WatchedKey, out var company) && company is int watching)
        {
            watched.Remove(watching);
        }

        return base.OnDisconnectedAsync(exception);
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

        var previous = Context.Items.TryGetValue(WatchedKey, out var before) && before is int company ? company : (int?)null;
        if (previous == companyId)
        {
            return new WatchAnswer(companyId, Watching: true, Refusal: null);
        }

        if (previous is { } other)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(other));
            watched.Remove(other);
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(companyId));
        Context.Items[WatchedKey] = companyId;
        watched.Add(companyId);
        return new WatchAnswer(companyId, Watching: true, Refusal: null);
    }
}

/// <summary>The <c>widgetsChanged</c> message: widgets of a company whose cached values were invalidated.</summary>
/// <param name="CompanyId">The company.</param>
/// <param name="Widgets">The widget names to fetch again (a widget whose value is in <paramref name="Live"/> need not be).</param>
/// <param name="Live">The live widget's value after the change, read by this instance after it dropped its old copy
/// (ADR 0026), or null when it was not read (the page fetches it).</param>
internal sealed record WidgetsChanged(int CompanyId, IReadOnlyList<string> Widgets, PushedWidget? Live = null);

/// <summary>A widget value sent with a push, as <c>GET /api/companies/{id}/widgets/{name}</c> would answer it.</summary>
/// <param name="Widget">The widget name.</param>
/// <param name="Cache">The cache outcome (the <c>X-Cache</c> header's value).</param>
/// <param name="Age">Seconds since the value was computed, on the service's clock (the <c>Age</c> header).</param>
/// <param name="Value">The widget's JSON.</param>
internal sealed record PushedWidget(string Widget, string Cache, long Age, System.Text.Json.JsonElement Value);

/// <summary>The answer to <see cref="DashboardHub.Watch"/>.</summary>
/// <param name="CompanyId">The company asked for.</param>
/// <param name="Watching">Whether the connection now hears this company's changes.</param>
/// <param name="Refusal">Why not, when refused.</param>
internal sealed record WatchAnswer(int CompanyId, bool Watching, string? Refusal)
{
    /// <summary>A refused watch; the connection keeps watching what it watched before.</summary>
    public static WatchAnswer Refused(int companyId, string reason) => new(companyId, Watching: false, reason);
}
