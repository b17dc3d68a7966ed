using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>
/// Runs the full warm on the cron schedule of <c>Cache:Warm</c> (daily at 03:00 Europe/Berlin by default), and each
/// hour from minute <see cref="CacheWarmOptions.PreHourStartMinute"/> the pre-hour warm of active companies. Driven by
/// <see cref="TimeProvider"/>, so tests move it with a fake clock.
/// </summary>
internal sealed class CacheWarmScheduler(CacheWarmer warmer, TimeProvider time, IOptions<CacheWarmOptions> options, ILogger<CacheWarmScheduler> logger)
    : BackgroundService
{
    private readonly CacheWarmOptions _options = options.Value;
    private DateTimeOffset? _nextWarm;
    private DateTimeOffset? _nextPreHour;

    /// <summary>Gets when the next full warm runs, or null when the schedule is off or not armed yet.</summary>
    public DateTimeOffset? NextWarm => _nextWarm;

    /// <summary>Gets when the next pre-hour warm starts, or null when it is off or not armed yet.</summary>
    public DateTimeOffset? NextPreHour => _nextPreHour;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RunDailyWarmAsync(stoppingToken), RunPreHourWarmAsync(stoppingToken));

    private async Task RunDailyWarmAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var cron = _options.ParseCron();
        var zone = _options.FindTimeZone();
        var from = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            var next = cron.GetNextOccurrence(from, zone);
            if (next is not { } at)
            {
                return;
            }

            _nextWarm = at;
            Log.WarmScheduled(logger, at);
            await CacheWarmer.DelayUntilAsync(time, at, cancellationToken);

            // From the occurrence, not from "now": the same occurrence never runs twice.
            from = at;
            try
            {
                await warmer.StartWarmAllAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.WarmScheduleFailed(logger, ex);
            }
        }
    }

    private async Task RunPreHourWarmAsync(CancellationToken cancellationToken)
    {
        if (!_options.PreHourEnabled)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var hour = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
            var start = hour.AddMinutes(_options.PreHourStartMinute);
            if (start <= now)
            {
                hour = hour.AddHours(1);
                start = start.AddHours(1);
            }

            _nextPreHour = start;
            await CacheWarmer.DelayUntilAsync(time, start, cancellationToken);
            try
            {
                await warmer.RunPreHourAsync(hour.AddHours(1), hour.AddMinutes(_options.PreHourEndMinute), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.WarmScheduleFailed(logger, ex);
            }
        }
    }
}
