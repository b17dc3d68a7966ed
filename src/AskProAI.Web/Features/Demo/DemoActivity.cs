using System.Data.Common;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Demo;

/// <summary>
/// Keeps the demo alive: every <see cref="DemoActivityOptions.Interval"/> it starts a call in a random branch and ends
/// the calls whose time has come, through the normal write path (a <see cref="AskProDbContext"/> and
/// <c>SaveChanges</c>), so the change tracker invalidates the widgets and the dashboards hear the push.
/// Calls it leaves ongoing when the service stops stop counting as live after <see cref="Widgets.LiveCallsWidget.OngoingHorizon"/>.
/// </summary>
internal sealed class DemoActivity(
    IDbContextFactory<AskProDbContext> dbFactory,
    IOptions<DemoActivityOptions> options,
    TimeProvider time,
    ILogger<DemoActivity> logger) : BackgroundService
{
    private readonly PriorityQueue<long, DateTimeOffset> _running = new();
    private (int Id, int CompanyId)[] _branches = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        Log.DemoActivityStarted(logger, o.Interval.TotalSeconds);
        try
        {
            while (true)
            {
                await Task.Delay(o.Interval, time, stoppingToken);
                try
                {
                    await StepAsync(o, stoppingToken);
                }
                catch (Exception e) when (e is DbException or DbUpdateException or InvalidOperationException)
                {
                    Log.DemoActivityFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The service is stopping.
        }
    }

    private async Task StepAsync(DemoActivityOptions o, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (_branches.Length == 0)
        {
            _branches = [.. (await db.Branches.AsNoTracking().OrderBy(b => b.Id).Select(b => new { b.Id, b.CompanyId }).ToListAsync(cancellationToken))
                .Select(b => (b.Id, b.CompanyId))];
            if (_branches.Length == 0)
            {
                return;
            }
        }

        var now = time.GetUtcNow();
        var ending = new List<long>();
        while (_running.TryPeek(out var id, out var endsAt) && endsAt <= now)
        {
            ending.Add(_running.Dequeue());
        }

        foreach (var call in await db.Calls.Where(c => ending.Contains(c.Id) && c.Status == CallStatus.Ongoing).ToListAsync(cancellationToken))
        {
            var roll = Random.Shared.NextDouble();
            call.Status = roll < 0.1 ? CallStatus.Missed : CallStatus.Completed;
            call.EndedAt = now.UtcDateTime;
            call.DurationSeconds = call.Status == CallStatus.Completed ? (int)(now.UtcDateTime - call.StartedAt).TotalSeconds : 0;
            call.CostCents = call.DurationSeconds / 6;
            call.AppointmentBooked = call.Status == CallStatus.Completed && roll > 0.7;
        }

        var (branchId, companyId) = _branches[Random.Shared.Next(_branches.Length)];
        var started = new Call
        {
            CompanyId = companyId,
            BranchId = branchId,
            Direction = CallDirection.Inbound,
            Status = CallStatus.Ongoing,
            StartedAt = now.UtcDateTime,
        };
        db.Calls.Add(started);
        await db.SaveChangesAsync(cancellationToken);

        var length = o.ShortestCall + ((o.LongestCall - o.ShortestCall) * Random.Shared.NextDouble());
        _running.Enqueue(started.Id, now + length);
    }
}
