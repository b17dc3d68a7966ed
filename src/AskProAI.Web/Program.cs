using AskProAI.Web.Features.Auth;
using AskProAI.Web.Features.CacheAdmin;
using AskProAI.Web.Features.Calls;
using AskProAI.Web.Features.Clock;
using AskProAI.Web.Features.Dashboard;
using AskProAI.Web.Features.Distributed;
using AskProAI.Web.Features.Errors;
using AskProAI.Web.Features.Health;
using AskProAI.Web.Features.Hosting;
using AskProAI.Web.Features.Invalidation;
using AskProAI.Web.Features.KeyRing;
using AskProAI.Web.Features.Live;
using AskProAI.Web.Features.Monitoring;
using AskProAI.Web.Features.Setup;
using AskProAI.Web.Features.Tenancy;
using AskProAI.Web.Features.Webhooks;
using AskProAI.Web.Features.Widgets;

var builder = WebApplication.CreateBuilder(SetupOptions.WithoutSwitches(args));

builder.AddThreadPoolFloor();
builder.AddClock();
builder.AddAskProDatabase(args);
builder.AddAskProAuth();
builder.AddTenancy();
builder.AddDashboardWidgets();
builder.AddDistributedCache();
builder.AddKeyRing();
builder.AddErrorHandling();
builder.AddHealth();
builder.AddMonitoring();
builder.AddCacheAdmin();
builder.AddWidgetInvalidation();
builder.AddWebhooks();
builder.AddLiveUpdates();

var app = builder.Build();

await app.PrepareDatabaseAsync();
app.PrepareKeyRing();

app.UseErrorHandling();
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseWidgetInvalidation();

app.MapHealth();
app.MapAuth();
app.MapCompanies();
app.MapWidgets();
app.MapDashboardPage();
app.MapMonitoring();
app.MapCacheAdmin();
app.MapCalls();
app.MapWebhooks();
app.MapLiveUpdates();

await app.RunAsync();

/// <summary>The dashboard service's entry point; public for <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
