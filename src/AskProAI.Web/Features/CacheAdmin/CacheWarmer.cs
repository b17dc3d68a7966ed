using System.Globalization;
using AskProAI.Caching;
using AskProAI.Data;
using AskProAI.Web.Features.Widgets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>
/// The refresh and warm jobs, on the <c>cache</c> queue: refresh one widget of one company; warm every widget of some
/// companies with at most <see cref="CacheWarmOptions.MaxConcurrency"/> computations at once; and the pre-hour warm,
/// which computes the next hour's buckets of active companies spread over the last minutes of the hour.
/// </summary>
internal sealed class CacheWarmer(
    WidgetRegistry widgets,
    IWidgetCache cache,
    ICacheWorkQueue queue,
    CacheJobTracker jobs,
    DashboardActivity activity,
    IDbContextFactory<AskProDbContext> dbFactory,
    TimeProvider time,
    IOptions<CacheWarmOptions> options,
    ILogger<CacheWarmer> logger)
{
    private readonly CacheWarmOptions _options = options.Value;

    /// <summary>The ids of every company, ascending.</summary>
    public async Task<IReadOnlyList<int>> AllCompanyIdsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Companies.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Queues a job that recomputes one widget of one company.</summary>
    /// <returns>The job; <see cref="CacheJobState.Failed"/> when the queue refused it.</returns>
    public CacheJob StartRefresh(RegisteredWidget widget, int companyId)
    {
        ArgumentNullException.ThrowIfNull(widget);
        var scope = string.Create(CultureInfo.InvariantCulture, $"widget {widget.Name} of company {companyId}");
        return Start("refresh", scope, [companyId], [widget]);
    }

    /// <summary>Queues a job that computes every widget of the given companies.</summary>
    /// <returns>The job; <see cref="CacheJobState.Failed"/> when the queue refused it.</returns>
    public CacheJob StartWarm(IReadOnlyList<int> companyIds, string scope) => Start("warm", scope, companyIds, widgets.All);

    /// <summary>Queues the full warm: every widget of every company.</summary>
    public async Task<CacheJob> StartWarmAllAsync(CancellationToken cancellationToken)
    {
        var companies = await AllCompanyIdsAsync(cancellationToken);
        return StartWarm(companies, string.Create(CultureInfo.InvariantCulture, $"all widgets of all {companies.Count} companies"));
    }

    /// <summary>
    /// Computes the buckets starting at <paramref name="bucketStart"/> of the hour-bucketed widgets (statistics and
    /// heavy) of the companies active lately, one queue item per computation, their starts spread evenly until
    /// <paramref name="spreadUntil"/> so the database sees a trickle rather than a burst.
    /// </summary>
    /// <returns>The job, or null when no company was active.</returns>
    public async Task<CacheJob?> RunPreHourAsync(DateTimeOffset bucketStart, DateTimeOffset spreadUntil, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var companies = activity.ActiveSince(now - _options.ActiveWindow);
        RegisteredWidget[] targets = [.. widgets.All.Where(w => !w.Handle.Tier.UsesMinuteBuckets())];
        if (companies.Count == 0 || targets.Length == 0)
        {
            return null;
        }

        var scope = string.Create(CultureInfo.InvariantCulture, $"next hour ({bucketStart:yyyy-MM-dd HH}:00 UTC) of {companies.Count} active companies");
        var job = jobs.Create("prehour", scope, companies.Count, targets.Length);
        job.Start(now);
        Log.PreHourWarmStarting(logger, job.Total, companies.Count, bucketStart);
        var started = time.GetTimestamp();
        var remaining = job.Total;
        var spacing = (spreadUntil - now) / job.Total;
        if (spacing < TimeSpan.Zero)
        {
            spacing = TimeSpan.Zero;
        }

        void ItemDone()
        {
            if (Interlocked.Decrement(ref remaining) == 0)
            {
                Finish(job, started);
            }
        }

        var index = 0;
        foreach (var companyId in companies)
        {
            foreach (var widget in targets)
            {
                await DelayUntilAsync(time, now + (spacing * index++), cancellationToken);
                var key = string.Create(CultureInfo.InvariantCulture, $"prehour:{widget.Name}:{companyId}:{bucketStart:yyyyMMddHH}");
                var queued = queue.TryEnqueue(key, async ct =>
                {
                    try
                    {
                        await RefreshAsync(widget, companyId, bucketStart, ct);
                        job.ItemCompleted();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        job.ItemFailed();
                        Log.CacheJobItemFailed(logger, ex, job.Id, job.Kind, widget.Name);
                    }
                    finally
                    {
                        ItemDone();
                    }
                });
                if (!queued)
                {
                    job.ItemFailed();
                    ItemDone();
                }
            }
        }

        return job;
    }

    /// <summary>Waits until the clock reaches <paramref name="at"/>, in steps of at most a day (timers have a range limit).</summary>
    public static async Task DelayUntilAsync(TimeProvider time, DateTimeOffset at, CancellationToken cancellationToken)
    {
        TimeSpan remaining;
        while ((remaining = at - time.GetUtcNow()) > TimeSpan.Zero)
        {
            await Task.Delay(remaining < TimeSpan.FromDays(1) ? remaining : TimeSpan.FromDays(1), time, cancellationToken);
        }
    }

    private CacheJob Start(string kind, string scope, IReadOnlyList<int> companyIds, IReadOnlyList<RegisteredWidget> targets)
    {
        var job = jobs.Create(kind, scope, companyIds.Count, targets.Count);
        if (!queue.TryEnqueue("job:" + job.Id, ct => RunAsync(job, companyIds, targets, ct)))
        {
            Log.CacheJobRejected(logger, kind);
            job.Finish(time.GetUtcNow(), jobFailed: true);
        }

        return job;
    }

    private async Task RunAsync(CacheJob job, IReadOnlyList<int> companyIds, IReadOnlyList<RegisteredWidget> targets, CancellationToken cancellationToken)
    {
        job.Start(time.GetUtcNow());
        Log.CacheJobStarted(logger, job.Id, job.Kind, job.Total);
        var started = time.GetTimestamp();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken };
        try
        {
            await Parallel.ForEachAsync(
                companyIds.SelectMany(c => targets.Select(w => (CompanyId: c, Widget: w))),
                parallel,
                async (item, ct) =>
                {
                    try
                    {
                        await RefreshAsync(item.Widget, item.CompanyId, bucketAt: null, ct);
                        job.ItemCompleted();
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        // One failed widget does not stop the others; the job reports it in its failed count.
                        job.ItemFailed();
                        Log.CacheJobItemFailed(logger, ex, job.Id, job.Kind, item.Widget.Name);
                    }
                });
            Finish(job, started);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.Finish(time.GetUtcNow(), jobFailed: true);
            Log.CacheJobFinished(logger, job.Id, job.Kind, "cancelled", job.Completed, job.Failed, time.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>
    /// Computes a widget value with the widget's own query (a DbContext of its own) and stores it, replacing what is cached;
    /// with the widget's value type, so that in distributed mode the warmed value reaches L2 for every instance.
    /// </summary>
    private ValueTask<WidgetResult> RefreshAsync(RegisteredWidget widget, int companyId, DateTimeOffset? bucketAt, CancellationToken cancellationToken) =>
        widget.RefreshAsync(cache, companyId, coordinate: true, bucketAt, cancellationToken);

    private void Finish(CacheJob job, long started)
    {
        job.Finish(time.GetUtcNow());
        Log.CacheJobFinished(logger, job.Id, job.Kind, job.State.ToString().ToLowerInvariant(), job.Completed, job.Failed, time.GetElapsedTime(started).TotalMilliseconds);
    }
}
