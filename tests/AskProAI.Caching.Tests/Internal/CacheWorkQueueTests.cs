using AskProAI.Caching.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AskProAI.Caching.Tests.Internal;

public class CacheWorkQueueTests
{
    private static CacheWorkQueue NewQueue(int capacity = 4, int workers = 1) =>
        new(Options.Create(new WidgetCacheOptions { QueueCapacity = capacity, QueueWorkers = workers }), NullLogger<CacheWorkQueue>.Instance);

    [Fact]
    public async Task TryEnqueue_SameKeyWhileQueued_IsRejected()
    {
        await using var q = NewQueue();
        var gate = new TaskCompletionSource();
        Assert.True(q.TryEnqueue("a", _ => gate.Task));
        Assert.False(q.TryEnqueue("a", _ => Task.CompletedTask));
        gate.SetResult();
        await q.WhenIdleAsync();
        Assert.True(q.TryEnqueue("a", _ => Task.CompletedTask));
        await q.WhenIdleAsync();
        Assert.Equal(2, q.GetStatistics().Completed);
    }

    [Fact]
    public async Task TryEnqueue_Full_IsRejectedAndCounted()
    {
        await using var q = NewQueue(capacity: 2, workers: 1);
        var gate = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        Assert.True(q.TryEnqueue("running", _ =>
        {
            started.TrySetResult();
            return gate.Task;
        }));
        await started.Task;
        Assert.True(q.TryEnqueue("b", _ => Task.CompletedTask));
        Assert.True(q.TryEnqueue("c", _ => Task.CompletedTask));
        Assert.False(q.TryEnqueue("d", _ => Task.CompletedTask));
        Assert.Equal(1, q.GetStatistics().Rejected);
        Assert.Equal(3, q.Depth);
        gate.SetResult();
        await q.WhenIdleAsync();
        Assert.Equal(0, q.Depth);
    }

    [Fact]
    public async Task StopAsync_DrainsQueuedWork()
    {
        var q = NewQueue(capacity: 100, workers: 2);
        var done = 0;
        for (var i = 0; i < 50; i++)
        {
            Assert.True(q.TryEnqueue($"w{i}", async _ =>
            {
                await Task.Yield();
                Interlocked.Increment(ref done);
            }));
        }

        await q.StopAsync(CancellationToken.None);
        Assert.Equal(50, done);
        Assert.False(q.TryEnqueue("late", _ => Task.CompletedTask));
        await q.DisposeAsync();
    }

    [Fact]
    public async Task FailingWork_IsCountedAndDoesNotStopTheWorker()
    {
        await using var q = NewQueue();
        q.TryEnqueue("bad", _ => throw new InvalidOperationException());
        q.TryEnqueue("good", _ => Task.CompletedTask);
        await q.WhenIdleAsync();
        var s = q.GetStatistics();
        Assert.Equal((1L, 1L), (s.Failed, s.Completed));
    }
}
