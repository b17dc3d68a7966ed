using System.Diagnostics;
using System.Net;
using AskProAI.Caching;
using AskProAI.Web.Features.Widgets;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Invalidation;

/// <summary>
/// The race the engine must win: a computation that read the database before a write and finishes after the write
/// was acknowledged must neither be joined by later readers nor be stored over the fresh value. On SQLite and on PostgreSQL.
/// </summary>
public abstract class SlowComputationRaceTests(SlowComputationRaceTests.GatedFixture app)
{
    [Fact]
    public async Task ComputationStartedBeforeWrite_FinishesAfterIt_LaterReadersGetTheWrite()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        var before = await OngoingAsync(client);
        await app.Services.GetRequiredService<IWidgetCache>().InvalidateAsync(CacheTag.CompanyWidget("live_calls", 1));

        // Reader A starts computing, reads the old rows, and is held there.
        app.Gate.Arm();
        var readerA = OngoingAsync(client);
        await app.Gate.Held.WaitAsync(TimeSpan.FromSeconds(20));

        using (var write = await WidgetReads.PostCallAsync(client, 1, new { branchId = 11, direction = "Inbound" }))
        {
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        }

        // Reader B starts after the acknowledgement: it must not wait for A's computation (A is still held).
        var readerB = OngoingAsync(client);
        Assert.Equal(before + 1, await readerB.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.False(readerA.IsCompleted);

        app.Gate.Release();
        Assert.Equal(before, await readerA.WaitAsync(TimeSpan.FromSeconds(20))); // A started before the write
        Assert.Equal(before + 1, await OngoingAsync(client)); // A's old value was not stored
        Assert.Equal("HIT", await WidgetReads.CacheOfAsync(client, 1, "live_calls"));
    }

    private static async Task<int> OngoingAsync(HttpClient client) =>
        (await WidgetReads.ValueAsync(client, 1, "live_calls")).GetProperty("ongoing").GetInt32();

    public sealed class Sqlite(Sqlite.Fixture app) : SlowComputationRaceTests(app), IClassFixture<Sqlite.Fixture>
    {
        public sealed class Fixture() : GatedFixture(TestDatabaseProvider.Sqlite);
    }

    public sealed class PostgreSql(PostgreSql.Fixture app) : SlowComputationRaceTests(app), IClassFixture<PostgreSql.Fixture>
    {
        public sealed class Fixture() : GatedFixture(TestDatabaseProvider.PostgreSql);
    }

    /// <summary>The service with the live widget's computation behind <see cref="Gate"/>.</summary>
    public abstract class GatedFixture(TestDatabaseProvider provider) : WritableWebAppFixture(provider)
    {
        public ComputationGate Gate { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services =>
            {
                var live = services.Single(d => d.ServiceType == typeof(IDashboardWidget) && d.ImplementationType == typeof(LiveCallsWidget));
                services.Remove(live);
                services.AddSingleton<IDashboardWidget>(sp => new GatedWidget(ActivatorUtilities.CreateInstance<LiveCallsWidget>(sp), Gate));
            });
        }
    }

    /// <summary>Holds the first computation after arming, after it read the database, until released.</summary>
    public sealed class ComputationGate
    {
        private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        public Task Held => _held.Task;

        public void Arm()
        {
            _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _armed, 1);
        }

        public void Release() => _release.TrySetResult();

        public async Task PassAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _held.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
            }
        }
    }

    /// <summary>A widget whose computation passes the gate after it has read the database.</summary>
    private sealed class GatedWidget(IDashboardWidget inner, ComputationGate gate) : IDashboardWidget
    {
        public WidgetDefinition Definition => inner.Definition;

        public async ValueTask<WidgetResult> GetAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var result = await handle.GetOrComputeAsync(
                companyId,
                (Inner: inner, Gate: gate),
                static async (state, context, ct) =>
                {
                    var value = await state.Inner.ComputeUncachedAsync(context.CompanyId, ct);
                    await state.Gate.PassAsync(ct);
                    return value;
                },
                cancellationToken);
            return new WidgetResult(Definition, result.Value, result.Outcome, result.ComputedAt, Stopwatch.GetElapsedTime(started), null);
        }

        public Task<object> ComputeUncachedAsync(int companyId, CancellationToken cancellationToken) => inner.ComputeUncachedAsync(companyId, cancellationToken);
    }
}
