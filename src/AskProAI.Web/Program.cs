using AskProAI.Web.Features.Auth;
using AskProAI.Web.Features.CacheAdmin;
using AskProAI.Web.Features.Calls;
using AskProAI.Web.Features.Dashboard;
using AskProAI.Web.Features.Demo;
using AskProAI.Web.Features.Invalidation;
using AskProAI.Web.Features.KeyRing;
using AskProAI.Web.Features.Live;
using AskProAI.Web.Features.Monitoring;
using AskProAI.Web.Features.RateLimiting;
using AskProAI.Web.Features.SecurityHeaders;
using AskProAI.Web.Features.Tenancy;
using AskProAI.Web.Features.Webhooks;
using AskProAI.Web.Features.Widgets;
using AskProAI.Web.Infrastructure.Clock;
using AskProAI.Web.Infrastructure.Distributed;
using AskProAI.Web.Infrastructure.Errors;
using AskProAI.Web.Infrastructure.Health;
using AskProAI.Web.Infrastructure.Hosting;
using AskProAI.Web.Infrastructure.Setup;

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
builder.AddRateLimits();
builder.AddSecurityHeaders();
builder.AddHealth();
builder.AddMonitoring();
builder.AddCacheAdmin();
builder.AddWidgetInvalidation();
builder.AddWebhooks();
builder.AddLiveUpdates();
builder.AddDemoActivity();

var app = builder.Build();

ProductionSettings.EnsureSafe(app);

await app.PrepareDatabaseAsync();
app.PrepareKeyRing();

app.UseSecurityHeaders();
app.UseErrorHandling();
app.UseStaticFiles();
app.UseRateLimits();
app.UseAuthentication();
app.UseAuthorization();

app.MapHealth();
app.MapAuth();
var company = app.MapCompanies();
company.MapWidgets();
company.MapCalls();
app.MapDashboardPage();
app.MapMonitoring();
app.MapCacheAdmin();
app.MapWebhooks();
app.MapLiveUpdates();

await app.RunAsync();

/// <summary>The dashboard service's entry point; public for <c>WebApplicationFactory</c> in the tests.</summary>
public partial class Program;
