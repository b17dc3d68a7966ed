using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using AskProAI.Caching;
using AskProAI.Contracts;
using AskProAI.Web.Features.Auth;
using AskProAI.Web.Features.Monitoring;
using AskProAI.Web.Features.Tenancy;
using AskProAI.Web.Features.Widgets;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>
/// The cache admin API under <c>/api/admin/cache</c> (SuperAdmin or the admin API token): statistics, history,
/// clear, invalidate, warm, jobs and rollout mode. Every error is a ProblemDetails 400/404, never a 500.
/// </summary>
internal static class CacheAdminEndpoints
{
    /// <summary>The URL prefix.</summary>
    public const string Prefix = "/api/admin/cache";

    /// <summary>Maps the admin API; every route requires <see cref="CacheAdminHostingExtensions.Policy"/>.</summary>
    public static IEndpointRouteBuilder MapCacheAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(Prefix).RequireAuthorization(CacheAdminHostingExtensions.Policy).RequireAntiforgeryForCookies();
        admin.MapGet("/stats", GetStats).WithName("CacheStats");
        admin.MapGet("/history", GetHistory).WithName("CacheHistory");
        admin.MapGet("/jobs", ListJobs).WithName("CacheJobs");
        admin.MapGet("/jobs/{jobId}", GetJob).WithName("CacheJob");
        admin.MapPost("/clear", ClearAsync).WithName("CacheClear");
        admin.MapPost("/invalidate", InvalidateAsync).WithName("CacheInvalidate");
        admin.MapPost("/warm", WarmAsync).WithName("CacheWarm");
        admin.MapPost("/mode", SetModeAsync).WithName("CacheMode");
        return app;
    }

    private static IResult GetStats(
        HttpContext context,
        IWidgetCache cache,
        DashboardActivity activity,
        DatabaseMetrics database,
        CacheWarmScheduler scheduler,
        CacheJobTracker jobs,
        IOptions<CacheWarmOptions> warm)
    {
        var stats = cache.GetStatistics();
        var (workingSet, heap) = CacheStatsHistory.Memory();
        var q = stats.Queue;
        var body = new StatsResponse
        {
            HitRatio = stats.HitRatio,
            Entries = stats.Entries,
            EstimatedBytes = stats.EstimatedBytes,
            Companies = stats.Companies,
            Evictions = stats.Evictions,
            Fallbacks = stats.Fallbacks,
            Invalidations = stats.Invalidations,
            AppliedChanges = stats.AppliedChanges,
            Queue = new QueueStats
            {
                Depth = q.Depth, Capacity = q.Capacity, Workers = q.Workers, Enqueued = q.Enqueued, Completed = q.Completed, Failed = q.Failed, Rejected = q.Rejected,
            },
            Widgets = [.. stats.Widgets.Select(w =>
            {
                var (cachedMs, samples) = activity.HitLatencyOf(w.Widget);
                return new WidgetStats
                {
                    Widget = w.Widget,
                    Tier = w.Tier.Name(),
                    Mode = w.Mode.ToString(),
                    OptimizedPercent = w.OptimizedPercent,
                    Hits = w.Hits,
                    Misses = w.Misses,
                    StaleHits = w.StaleHits,
                    Refreshes = w.Refreshes,
                    Errors = w.Errors,
                    Computations = w.Computations,
                    MeanComputeMs = Math.Round(w.MeanComputeTime.TotalMilliseconds, 3),
                    HitRatio = w.HitRatio,
                    CachedMeanMs = Math.Round(cachedMs, 3),
                    CachedSamples = samples,
                    L2Hits = w.L2Hits,
                    SoftTimeouts = w.SoftTimeouts,
                    HardTimeouts = w.HardTimeouts,
                };
            })],
            Tiers = [.. stats.Tiers.Select(t => new TierStats
            {
                Tier = t.Tier.Name(),
                Hits = t.Hits,
                Misses = t.Misses,
                StaleHits = t.StaleHits,
                Refreshes = t.Refreshes,
                Errors = t.Errors,
                Computations = t.Computations,
                MeanComputeMs = Math.Round(t.MeanComputeTime.TotalMilliseconds, 3),
                HitRatio = t.HitRatio,
                L2Hits = t.L2Hits,
                SoftTimeouts = t.SoftTimeouts,
                HardTimeouts = t.HardTimeouts,
            })],
            Slowest = [.. stats.Slowest.Select(s => new SlowStats
            {
                Widget = s.Widget, CompanyId = s.CompanyId, DurationMs = Math.Round(s.Duration.TotalMilliseconds, 3), At = s.At,
            })],
            Database = new DatabaseStats
            {
                Queries = database.Queries,
                SlowQueries = database.SlowQueries,
                WidgetQueries = database.WidgetQueries,
                WidgetQueryMs = Math.Round(database.WidgetQueryTime.TotalMilliseconds, 1),
            },
            Memory = new MemoryStats { WorkingSetBytes = workingSet, GcHeapBytes = heap },
            Schedule = new ScheduleStats
            {
                Cron = warm.Value.Cron, TimeZone = warm.Value.TimeZone, NextWarm = scheduler.NextWarm, NextPreHour = scheduler.NextPreHour,
            },
            Jobs = [.. jobs.Recent().Take(10).Select(StatusOf)],
        };
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(body);
    }

    private static IResult GetHistory(HttpContext context, CacheStatsHistory history)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new HistoryResponse
        {
            IntervalSeconds = CacheStatsHistory.Interval.TotalSeconds, Samples = history.Samples(), Current = history.Current(),
        });
    }

    private static IResult ListJobs(CacheJobTracker jobs) => TypedResults.Ok(jobs.Recent().Select(StatusOf));

    private static IResult GetJob(string jobId, HttpContext context, CacheJobTracker jobs)
    {
        if (!jobs.TryGet(jobId, out var job))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown job", "No job has this id; only the last jobs are kept.");
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(StatusOf(job));
    }

    /// <summary>The status of a job, as the API shows it.</summary>
    private static JobStatus StatusOf(CacheJob job) => new()
    {
        JobId = job.Id,
        Kind = job.Kind,
        State = job.State.ToString().ToLowerInvariant(),
        Scope = job.Scope,
        Total = job.Total,
        Completed = job.Completed,
        Failed = job.Failed,
        CreatedAt = job.CreatedAt,
        StartedAt = job.StartedAt,
        FinishedAt = job.FinishedAt,
    };

    private static async Task<IResult> ClearAsync(
        HttpContext context, IWidgetCache cache, WidgetRegistry widgets, CompanyDirectory companies, CacheWarmer warmer, ILoggerFactory loggers)
    {
        var (body, problem) = await ReadBodyAsync<ClearRequest>(context.Request);
        if (problem is not null)
        {
            return problem;
        }

        var widgetName = body?.Widget;
        var company = body?.Company;
        if (await CheckAsync(widgets, companies, widgetName, company, context.RequestAborted) is { } refused)
        {
            return refused;
        }

        var tag = (widgetName, company) switch
        {
            ({ } w, { } c) => CacheTag.CompanyWidget(w, c),
            (null, { } c) => CacheTag.Company(c),
            ({ } w, null) => CacheTag.Widget(w),
            _ => CacheTag.All,
        };
        return await InvalidateTagAsync(context, "clear", tag, cache, widgets, warmer, loggers);
    }

    private static async Task<IResult> InvalidateAsync(
        HttpContext context, IWidgetCache cache, WidgetRegistry widgets, CompanyDirectory companies, CacheWarmer warmer, ILoggerFactory loggers)
    {
        var (body, problem) = await ReadBodyAsync<InvalidateRequest>(context.Request);
        if (problem is not null)
        {
            return problem;
        }

        var company = body?.Company;
        if (company is <= 0)
        {
            return BadCompany();
        }

        CacheTag tag;
        if (body?.Tag is null)
        {
            // As the seed's `cache:manage invalidate`: live data of every company, or everything of one company.
            tag = company is { } c ? CacheTag.Company(c) : CacheTag.DataType(WidgetTier.Live);
        }
        else if (!CacheTag.TryParse(body.Tag, out var parsed, out var error))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid tag", error ?? "The tag is not valid.");
        }
        else if (company is not { } c)
        {
            tag = parsed;
        }
        else if (parsed.IsCompanyScoped)
        {
            if (parsed.CompanyId != c)
            {
                return Problem(
                    StatusCodes.Status400BadRequest,
                    "Conflicting company",
                    string.Create(CultureInfo.InvariantCulture, $"The tag '{parsed}' is for company {parsed.CompanyId}, not company {c}."));
            }

            tag = parsed;
        }
        else
        {
            tag = parsed.Kind switch
            {
                CacheTagKind.DataType => CacheTag.CompanyDataType(c, parsed.Tier),
                CacheTagKind.Widget => CacheTag.CompanyWidget(parsed.WidgetName!, c),
                _ => CacheTag.Company(c),
            };
        }

        var companyToCheck = tag.IsCompanyScoped ? tag.CompanyId : (int?)null;
        if (await CheckAsync(widgets, companies, tag.WidgetName, companyToCheck, context.RequestAborted) is { } refused)
        {
            return refused;
        }

        return await InvalidateTagAsync(context, "invalidate", tag, cache, widgets, warmer, loggers);
    }

    private static async Task<IResult> WarmAsync(HttpContext context, WidgetRegistry widgets, CompanyDirectory companies, CacheWarmer warmer, ILoggerFactory loggers)
    {
        var (body, problem) = await ReadBodyAsync<WarmRequest>(context.Request);
        if (problem is not null)
        {
            return problem;
        }

        var all = body?.All == true;
        var company = body?.Company;
        if (all && company is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Conflicting scope", "Give either \"company\" or \"all\": true, not both.");
        }

        if (!all && company is null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Missing scope", "Give \"company\": {id} or \"all\": true.");
        }

        if (all && body?.Widget is not null)
        {
            return Problem(StatusCodes.Status400BadRequest, "Conflicting scope", "\"widget\" refreshes one widget of one company; give \"company\" with it.");
        }

        if (await CheckAsync(widgets, companies, body?.Widget, company, context.RequestAborted) is { } refused)
        {
            return refused;
        }

        CacheJob job;
        if (company is { } c)
        {
            job = widgets.TryGet(body?.Widget, out var widget)
                ? warmer.StartRefresh(widget, c)
                : warmer.StartWarm([c], string.Create(CultureInfo.InvariantCulture, $"all widgets of company {c}"));
        }
        else
        {
            job = await warmer.StartWarmAllAsync(context.RequestAborted);
        }

        Log.CacheAdminAction(loggers.CreateLogger(typeof(CacheAdminEndpoints).FullName!), job.Kind, Caller(context.User), job.Scope);
        if (job.State == CacheJobState.Failed)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, "Queue full", "The cache queue is full or stopping; try again shortly.");
        }

        var statusUrl = $"{Prefix}/jobs/{job.Id}";
        return TypedResults.Accepted(statusUrl, new JobAccepted
        {
            JobId = job.Id, Kind = job.Kind, Companies = job.Companies, Widgets = job.Widgets, StatusUrl = statusUrl,
        });
    }

    private static async Task<IResult> SetModeAsync(HttpContext context, IWidgetCache cache, WidgetRegistry widgets, ILoggerFactory loggers)
    {
        var (body, problem) = await ReadBodyAsync<ModeRequest>(context.Request);
        if (problem is not null)
        {
            return problem;
        }

        var text = body?.Mode;
        if (string.IsNullOrEmpty(text) || !char.IsLetter(text[0]) || !Enum.TryParse<CacheMode>(text, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid mode", "\"mode\" must be Optimized, Legacy or Disabled.");
        }

        var percent = body?.Percent ?? 100;
        if (percent is < 0 or > 100)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid percent", "\"percent\" must be from 0 to 100.");
        }

        if (await CheckAsync(widgets, companies: null, body?.Widget, company: null, context.RequestAborted) is { } refused)
        {
            return refused;
        }

        var changed = cache.SetMode(mode, percent, body?.Widget);
        var names = changed.Select(w => w.Name).ToList();
        Log.CacheAdminAction(
            loggers.CreateLogger(typeof(CacheAdminEndpoints).FullName!),
            "mode",
            Caller(context.User),
            string.Create(CultureInfo.InvariantCulture, $"{mode} {percent}% for {string.Join(", ", names)}"));
        return TypedResults.Ok(new ModeResponse { Mode = mode.ToString(), Percent = percent, Widgets = names });
    }

    private static async Task<IResult> InvalidateTagAsync(
        HttpContext context, string action, CacheTag tag, IWidgetCache cache, WidgetRegistry widgets, CacheWarmer warmer, ILoggerFactory loggers)
    {
        var result = await cache.InvalidateAsync(tag, context.RequestAborted);
        var companyCount = tag.IsCompanyScoped ? 1 : (await warmer.AllCompanyIdsAsync(context.RequestAborted)).Count;
        var probe = tag.IsCompanyScoped ? tag.CompanyId : 1;
        var widgetCount = widgets.All.Count(w => tag.Matches(w.Name, w.Handle.Tier, probe));
        Log.CacheAdminAction(loggers.CreateLogger(typeof(CacheAdminEndpoints).FullName!), action, Caller(context.User), result.Scope);
        return TypedResults.Ok(new InvalidationResponse
        {
            Action = action, Tags = result.Tags, Scope = result.Scope, Companies = companyCount, Widgets = widgetCount,
        });
    }

    /// <summary>Checks a widget name and a company id: 400 for a company id below 1, 404 for unknown ones.</summary>
    private static async ValueTask<IResult?> CheckAsync(
        WidgetRegistry widgets, CompanyDirectory? companies, string? widget, int? company, CancellationToken cancellationToken)
    {
        if (company is <= 0)
        {
            return BadCompany();
        }

        if (widget is not null && !widgets.TryGet(widget, out _))
        {
            return TypedResults.Problem(
                title: "Unknown widget",
                detail: $"No widget has this name. Known widgets: {string.Join(", ", widgets.Names)}.",
                statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["widgets"] = widgets.Names });
        }

        if (company is { } id && companies is not null && !await companies.ExistsAsync(id, cancellationToken))
        {
            return Problem(StatusCodes.Status404NotFound, "Unknown company", "No company has this id.");
        }

        return null;
    }

    /// <summary>Reads an optional JSON body: empty is "nothing given"; anything else must be JSON of the right shape.</summary>
    private static async Task<(T? Body, IResult? Problem)> ReadBodyAsync<T>(HttpRequest request)
        where T : class
    {
        if (request.ContentLength == 0 || (request.ContentLength is null && !request.Headers.TransferEncoding.Any()))
        {
            return (null, null);
        }

        if (!request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Malformed request", "Send a JSON body with Content-Type application/json."));
        }

        try
        {
            return (await request.ReadFromJsonAsync<T>(request.HttpContext.RequestAborted), null);
        }
        catch (JsonException ex)
        {
            // The message names the JSON path and position, never a value.
            return (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", ex.Message));
        }
        catch (BadHttpRequestException)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Malformed request", "The request body could not be read."));
        }
    }

    private static IResult BadCompany() =>
        Problem(StatusCodes.Status400BadRequest, "Invalid company id", "\"company\" must be a positive whole number.");

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);

    /// <summary>Who called, for the log: the admin token or a user id, never an email.</summary>
    private static string Caller(ClaimsPrincipal user) =>
        user.Identities.Any(i => i.AuthenticationType == AdminTokenHandler.SchemeName)
            ? AdminTokenHandler.PrincipalName
            : "user " + (user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "?");
}
