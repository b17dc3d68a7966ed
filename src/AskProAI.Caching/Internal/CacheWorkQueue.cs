using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AskProAI.Caching.Internal;

/// <summary>
/// The <c>cache</c> queue: a bounded channel read by a fixed number of workers, deduplicated by key while an
/// item is queued or running. Workers start with the first item; stopping drains what is queued until the
/// host's shutdown timeout, then cancels what is still running.
/// </summary>
internal sealed class CacheWorkQueue : ICacheWorkQueue, IHostedService, IAsyncDisposable, IDisposable
{
    private readonly Channel<WorkItem> _channel;
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly int _workerCount;
    private readonly Lock _gate = new();
    private Task[]? _workers;
    private TaskCompletionSource _idle = NewIdle(completed: true);
    private int _depth;
    private int _disposed;
    private long _enqueued;
    private long _completed;
    private long _failed;
    private long _rejected;

    public CacheWorkQueue(IOptions<WidgetCacheOptions> options, ILogger<CacheWorkQueue>? logger = null)
    {
        _capacity = options.Value.QueueCapacity;
        _workerCount = options.Value.QueueWorkers;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _channel = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = _workerCount == 1, SingleWriter = false,
        });
    }

    public int Depth => Volatile.Read(ref _depth);

    public bool TryEnqueue(string key, Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(work);
        if (_stopping.IsCancellationRequested || !_pending.TryAdd(key, 0))
        {
            Interlocked.Increment(ref _rejected);
            return false;
        }

        lock (_gate)
        {
            if (_depth++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        if (!_channel.Writer.TryWrite(new WorkItem(key, work)))
        {
            _pending.TryRemove(key, out _);
            Done();
            Interlocked.Increment(ref _rejected);
            return false;
        }

        Interlocked.Increment(ref _enqueued);
        EnsureWorkers();
        return true;
    }

    public QueueStatistics GetStatistics() => new(
        Depth, _capacity, _workerCount, Interlocked.Read(ref _enqueued), Interlocked.Read(ref _completed),
        Interlocked.Read(ref _failed), Interlocked.Read(ref _rejected));

    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _depth == 0 ? Task.CompletedTask : _idle.Task.WaitAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureWorkers();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Log.QueueStopping(_logger, Depth);
        _channel.Writer.TryComplete();
        var workers = Volatile.Read(ref _workers);
        try
        {
            if (workers is not null)
            {
                await Task.WhenAll(workers).WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout passed: cancel what is still running rather than hang.
        }
        finally
        {
            if (!_stopping.IsCancellationRequested)
            {
                await _stopping.CancelAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // DI disposes this instance once per registration that resolves it.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await StopAsync(timeout.Token);
    }

    /// <summary>Synchronous disposal (a container disposed without await): stops taking work and cancels running work.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _channel.Writer.TryComplete();
        _stopping.Cancel();
    }

    private void EnsureWorkers()
    {
        if (Volatile.Read(ref _workers) is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_workers is not null)
            {
                return;
            }

            var workers = new Task[_workerCount];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(WorkAsync);
            }

            Volatile.Write(ref _workers, workers);
        }
    }

    private async Task WorkAsync()
    {
        await foreach (var item in _channel.Reader.ReadAllAsync())
        {
            try
            {
                await item.Work(_stopping.Token);
                Interlocked.Increment(ref _completed);
            }
            catch (Exception ex)
            {
                Interlocked.Increment(ref _failed);
                if (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
                {
                    Log.QueueWorkFailed(_logger, ex, item.Key);
                }
            }
            finally
            {
                _pending.TryRemove(item.Key, out _);
                Done();
            }
        }
    }

    private void Done()
    {
        lock (_gate)
        {
            if (--_depth == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            tcs.SetResult();
        }

        return tcs;
    }

    private readonly record struct WorkItem(string Key, Func<CancellationToken, Task> Work);
}
