using AskProAI.Caching;
using AskProAI.Web.Features.CacheAdmin;
using AskProAI.Web.Features.Widgets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.CacheAdmin;

/// <summary>The jobs on the cache queue: refresh, warm of a company, and warm of all with bounded concurrency.</summary>
public sealed class CacheWarmJobTests(CacheWarmJobTests.Fixture app) : IClassFixture<CacheWarmJobTests.Fixture>
{
    [Fact]
    public async Task Refresh_OneWidgetOfOneCompany_ComputesOnlyThat()
    {
        var warmer = app.Services.GetRequiredService<CacheWarmer>();
        var widgets = app.Services.GetRequiredService<WidgetRegistry>();
        var cache = app.Services.GetRequiredService<IWidgetCache>();
        Assert.True(widgets.TryGet("stats_overview", out var widget));
        Assert.True(widgets.TryGet("recent_calls", out var other));
        // The warm tests of this class share the host and may have cached every company already: start from a
        // recent_calls of company 2 that is not cached, whatever ran before.
        await cache.InvalidateAsync(CacheTag.CompanyWidget(other.Name, 2));
        Assert.False(cache.IsCached(other.Handle, 2));

        var job = warmer.StartRefresh(widget, 2);
        await WaitAsync(() => job.IsFinished);

        Assert.Equal("refresh", job.Kind);
        Assert.Equal(CacheJobState.Completed, job.State);
        Assert.Equal((1, 1, 0), (job.Total, job.Completed, job.Failed));
        Assert.True(cache.IsCached(widget.Handle, 2));
        Assert.False(cache.IsCached(other.Handle, 2));
    }

    [Fact]
    public async Task WarmAll_RunsAtMostMaxConcurrencyComputations_AndReportsProgress()
    {
        var gate = app.Gate;
        gate.Reset(releaseAll: false);
        var warmer = app.Services.GetRequiredService<CacheWarmer>();

        var job = await warmer.StartWarmAllAsync(CancellationToken.None);
        Assert.Equal((3, 5, 15), (job.Companies, job.Widgets, job.Total));

        // Two gated computations hold both slots; no third starts while they are held (MaxConcurrent below
        // covers the whole job, so no fixed wait is needed here).
        await gate.WaitForEnteredAsync(2);
        Assert.Equal(2, gate.Entered);
        Assert.Equal(CacheJobState.Running, job.State);
        Assert.True(job.Completed < job.Total);

        gate.ReleaseAll();
        await WaitAsync(() => job.IsFinished);

        Assert.Equal(CacheJobState.Completed, job.State);
        Assert.Equal((15, 0), (job.Completed, job.Failed));
        Assert.Equal(3, gate.Entered);
        Assert.Equal(2, gate.MaxConcurrent);
        Assert.NotNull(job.StartedAt);
        Assert.NotNull(job.FinishedAt);
    }

    [Fact]
    public async Task WarmCompany_FailedWidget_IsCountedAndTheOthersComplete()
    {
        app.Gate.Reset(releaseAll: true, fail: true);
        var warmer = app.Services.GetRequiredService<CacheWarmer>();

        var job = warmer.StartWarm([1], "company 1");
        await WaitAsync(() => job.IsFinished);

        Assert.Equal(CacheJobState.Completed, job.State);
        Assert.Equal((5, 4, 1), (job.Total, job.Completed, job.Failed));
        app.Gate.Reset(releaseAll: true);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(20);
        }
    }

    public sealed class Fixture : AdminApiFixture
    {
        internal GateWidget Gate { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton<IDashboardWidget>(Gate));
        }
    }

    /// <summary>A fifth widget whose computation waits on a gate and records how many run at once.</summary>
    internal sealed class GateWidget : IDashboardWidget
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running;
        private bool _fail;

        public int Entered { get; private set; }

        public int MaxConcurrent { get; private set; }

        WidgetDefinition IDashboardWidget.Definition { get; } = new("gate_widget", WidgetTier.Statistics, []);

        public void Reset(bool releaseAll, bool fail = false)
        {
            lock (_lock)
            {
                Entered = 0;
                MaxConcurrent = 0;
                _fail = fail;
                _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                if (releaseAll)
                {
                    _open.SetResult();
                }
            }
        }

        public void ReleaseAll() => _open.TrySetResult();

        public async Task WaitForEnteredAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Entered < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Only {Entered} gated computations started.");
                await Task.Delay(10);
            }
        }

        public async ValueTask<WidgetResult> GetAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken)
        {
            var result = await handle.GetOrComputeAsync(companyId, this, static async (w, ctx, ct) => await w.ComputeUncachedAsync(ctx.CompanyId, ct), cancellationToken);
            return new WidgetResult(((IDashboardWidget)this).Definition, result.Value, result.Outcome, result.ComputedAt, TimeSpan.Zero, null);
        }

        public async Task<object> ComputeUncachedAsync(int companyId, CancellationToken cancellationToken)
        {
            Task open;
            lock (_lock)
            {
                Entered++;
                _running++;
                MaxConcurrent = Math.Max(MaxConcurrent, _running);
                open = _open.Task;
            }

            try
            {
                await open.WaitAsync(cancellationToken);
                return _fail ? throw new InvalidOperationException("gate widget fails") : new { companyId };
            }
            finally
            {
                lock (_lock)
                {
                    _running--;
                }
            }
        }
    }
}
