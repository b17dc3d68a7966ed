using System.Globalization;

namespace AskProAI.Web.Infrastructure.Hosting;

/// <summary>
/// Raises the thread pool's floor of worker threads (<c>Hosting:MinWorkerThreads</c>, default 64).
/// Microsoft.Data.Sqlite runs its "async" commands synchronously, so every widget computation holds a pool thread
/// for its whole query (40–230 ms). On a 2-core host the pool starts with 2 threads and adds about one per half
/// second when starved, so a burst of recomputations (a minute or hour rollover, a warm) made even cache hits wait
/// seconds for a thread. With a floor, hits get a thread at once and the OS shares the cores between them.
/// </summary>
internal static class ThreadPoolHostingExtensions
{
    public const int DefaultMinWorkerThreads = 64;

    public static WebApplicationBuilder AddThreadPoolFloor(this WebApplicationBuilder builder)
    {
        var raw = builder.Configuration["Hosting:MinWorkerThreads"];
        var floor = DefaultMinWorkerThreads;
        if (!string.IsNullOrWhiteSpace(raw)
            && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out floor) || floor is < 1 or > 4096))
        {
            throw new InvalidOperationException($"Hosting:MinWorkerThreads '{raw}' must be a whole number from 1 to 4096.");
        }

        ThreadPool.GetMinThreads(out var workers, out var io);
        if (floor > workers && !ThreadPool.SetMinThreads(floor, io))
        {
            throw new InvalidOperationException($"The thread pool refused a floor of {floor} worker threads.");
        }

        return builder;
    }
}
