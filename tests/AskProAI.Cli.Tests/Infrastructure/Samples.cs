namespace AskProAI.Cli.Tests.Infrastructure;

/// <summary>Answers of the admin API as its contract describes them.</summary>
internal static class Samples
{
    public const string Stats = """
        {
          "hitRatio": 0.93, "entries": 80, "estimatedBytes": 123456, "companies": 4321, "evictions": 2, "fallbacks": 1, "invalidations": 3, "appliedChanges": 1560,
          "queue": {"depth": 7, "capacity": 1024, "workers": 2, "enqueued": 5, "completed": 4, "failed": 1, "rejected": 0},
          "widgets": [
            {"widget": "dashboard_stats", "tier": "heavy", "mode": "Optimized", "optimizedPercent": 25, "hits": 1, "misses": 1, "staleHits": 0,
             "refreshes": 0, "errors": 0, "computations": 1, "meanComputeMs": 95.2, "hitRatio": 0.5, "cachedMeanMs": 0.42, "cachedSamples": 1},
            {"widget": "live_calls", "tier": "live", "mode": "Legacy", "hits": 12345, "l2Hits": 2, "misses": 3, "staleHits": 4, "refreshes": 5,
             "errors": 6, "computations": 7, "meanComputeMs": 1234.5, "hitRatio": 0.9997, "softTimeouts": 8, "hardTimeouts": 9}
          ],
          "tiers": [
            {"tier": "heavy", "hits": 1, "misses": 1, "staleHits": 0, "refreshes": 0, "errors": 0, "computations": 1, "meanComputeMs": 95.2, "hitRatio": 0.5,
             "softTimeouts": 1234, "hardTimeouts": 5},
            {"tier": "statistics", "hits": 0, "misses": 0, "staleHits": 0, "refreshes": 0, "errors": 0, "computations": 0, "meanComputeMs": null, "hitRatio": null}
          ],
          "slowest": [
            {"widget": "dashboard_stats", "companyId": 3, "durationMs": 235.1, "at": "2026-03-01T10:20:30Z"},
            {"widget": "live_calls", "companyId": 12, "durationMs": 1500, "at": "2026-03-01T10:21:00+02:00"}
          ],
          "database": {"queries": 1234, "slowQueries": 2},
          "memory": {"workingSetBytes": 157286400, "gcHeapBytes": 52428800},
          "schedule": {"cron": "0 3 * * *", "timeZone": "Europe/Berlin", "nextWarm": "2026-03-02T02:00:00+00:00", "nextPreHour": null},
          "jobs": []
        }
        """;

    public const string Cleared = """{"action":"clear","tags":["widget:recent_calls:3"],"scope":"widget recent_calls of company 3","companies":1,"widgets":1}""";

    public const string Invalidated = """{"action":"invalidate","tags":["company_data:3:live_data"],"scope":"live_data of company 3","companies":1,"widgets":1}""";

    public const string WarmStarted = """{"jobId":"job-42","companies":1,"widgets":4,"statusUrl":"/api/admin/cache/jobs/job-42"}""";

    public static string Job(string state, int completed, int failed = 0) =>
        $$"""{"jobId":"job-42","kind":"warm","state":"{{state}}","total":4,"completed":{{completed}},"failed":{{failed}},"startedAt":"2026-03-01T10:00:00Z","finishedAt":null}""";
}
