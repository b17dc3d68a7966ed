using System.Net;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.Invalidation;

/// <summary>
/// Read your writes on one instance: once a write is acknowledged, no read that starts later returns a value
/// without it. Concurrent writers and readers against a real SQLite file and a real PostgreSQL database.
/// </summary>
public abstract class FreshnessTests(WebAppFixture app)
{
    private const int Writers = 8;
    private const int WritesPerWriter = 6;
    private const int Readers = 4;

    [Fact]
    public async Task ConcurrentWritersAndReaders_NoReadAfterAnAcknowledgementMissesIt()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        var baselineOngoing = (await WidgetReads.ValueAsync(admin, 1, "live_calls")).GetProperty("ongoing").GetInt32();
        var baselineToday = (await WidgetReads.ValueAsync(admin, 1, "stats_overview")).GetProperty("calls").GetProperty("today").GetInt64();
        var acknowledged = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var done = new CancellationTokenSource();

        async Task WriterAsync(int writer)
        {
            using var client = await app.ClientForAsync(TestData.Manager1Email);
            for (var i = 0; i < WritesPerWriter; i++)
            {
                using var response = await WidgetReads.PostCallAsync(client, 1, new { branchId = writer % 2 == 0 ? 11 : 12, direction = "Inbound" });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                var id = (await Json.ReadAsync(response)).GetProperty("id").GetInt64();
                var seen = Interlocked.Increment(ref acknowledged);

                var live = await WidgetReads.ValueAsync(client, 1, "live_calls");
                if (live.GetProperty("ongoing").GetInt32() < baselineOngoing + seen)
                {
                    failures.Enqueue($"writer {writer}: live_calls ongoing {live.GetProperty("ongoing").GetInt32()} < {baselineOngoing + seen}");
                }

                var recent = (await WidgetReads.ValueAsync(client, 1, "recent_calls")).GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).ToList();
                if (!recent.Contains(id) && !(recent.Count == 20 && recent.Min() > id))
                {
                    failures.Enqueue($"writer {writer}: recent_calls misses call {id}");
                }
            }
        }

        async Task ReaderAsync(int reader)
        {
            using var client = await app.ClientForAsync(TestData.Manager1Email);
            while (!done.IsCancellationRequested)
            {
                var seen = Volatile.Read(ref acknowledged);
                var widget = reader % 2 == 0 ? "live_calls" : "stats_overview";
                var value = await WidgetReads.ValueAsync(client, 1, widget);
                var count = widget == "live_calls"
                    ? value.GetProperty("ongoing").GetInt32() - baselineOngoing
                    : value.GetProperty("calls").GetProperty("today").GetInt64() - baselineToday;
                if (count < seen)
                {
                    failures.Enqueue($"reader {reader}: {widget} counts {count} new calls, {seen} were acknowledged before the read");
                }
            }
        }

        var readers = Enumerable.Range(0, Readers).Select(ReaderAsync).ToArray();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(WriterAsync));
        await done.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Empty(failures);
        Assert.Equal(baselineOngoing + (Writers * WritesPerWriter), (await WidgetReads.ValueAsync(admin, 1, "live_calls")).GetProperty("ongoing").GetInt32());
    }

    public sealed class Sqlite(Sqlite.Fixture app) : FreshnessTests(app), IClassFixture<Sqlite.Fixture>
    {
        public sealed class Fixture : WritableWebAppFixture;
    }

    public sealed class PostgreSql(PostgreSql.Fixture app) : FreshnessTests(app), IClassFixture<PostgreSql.Fixture>
    {
        public sealed class Fixture() : WritableWebAppFixture(TestDatabaseProvider.PostgreSql);
    }
}
