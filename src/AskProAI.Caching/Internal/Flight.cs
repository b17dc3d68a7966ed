namespace AskProAI.Caching.Internal;

/// <summary>
/// One computation in flight for a key, shared by every caller that asks while it runs (single-flight).
/// The shared work is cancelled only when every waiting caller has cancelled; background work never is. A caller
/// that stops waiting on a soft or hard timeout does not leave: its value is wanted, so the work is never cancelled.
/// It tells its waiters when it calls the source and when the source has answered: the hard timeout bounds that part
/// only, not the L2 read, the distributed lock nor the L2 write around it, and not at all when the cache layer failed it
/// (a fallback, ADR 0020).
/// </summary>
internal sealed class Flight(
    EntryKey key, long startVersion, long startTicks, CompanyState company, bool background, long freshAfterTicks)
{
    private const int Abandoned = -1;

    private readonly TaskCompletionSource<FlightResult?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _cancellation = new();
    private readonly TaskCompletionSource _sourceCalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sourceCalledTicks;
    private int _sourceAnswered;
    private int _fellBack;
    private int _waiters = background ? 0 : 1;
    private int _released;

    public EntryKey Key { get; } = key;

    public long StartVersion { get; } = startVersion;

    public long StartTicks { get; } = startTicks;

    /// <summary>Gets the company's state, held by this computation until it ends.</summary>
    public CompanyState Company { get; } = company;

    public bool Background { get; } = background;

    /// <summary>
    /// Gets the point the computation stands for: an L2 value created at or before it is not taken instead of
    /// computing (long.MinValue for a miss, which takes any valid L2 value).
    /// </summary>
    public long FreshAfterTicks { get; } = freshAfterTicks;

    /// <summary>
    /// Gets or sets whether the computation must read the source (an explicit refresh or warm): it is not given the
    /// previous bucket's value to roll forward.
    /// </summary>
    public bool SourceOnly { get; set; }

    /// <summary>
    /// Gets or sets whether the computation goes straight to the source, without reading L2 or taking the distributed lock
    /// first: a writer recomputing a value before it announces its write (ADR 0026), whose L2 copy it has just invalidated
    /// and whose new value no other instance computes before the announcement.
    /// </summary>
    public bool Uncoordinated { get; set; }

    /// <summary>
    /// The newest invalidation stamp (Unix ms) seen in L2 against the copy found there, 0 when none was read: the
    /// distributed lock is taken per invalidation, so a computation after a new invalidation never waits for the lock
    /// (or its release grace) of the computation that made the value just invalidated.
    /// </summary>
    public long StoreStamp { get; set; }

    public Task<FlightResult?> Task => _completion.Task;

    public CancellationToken Token => _cancellation.Token;

    /// <summary>Gets a task that completes when the computation calls the source (never, if the value came from L1 or L2).</summary>
    public Task SourceCalled => _sourceCalled.Task;

    /// <summary>Gets when the computation called the source (UTC ticks), or zero before.</summary>
    public long SourceCalledTicks => Volatile.Read(ref _sourceCalledTicks);

    /// <summary>Gets whether the source has answered: what is left is storing the value.</summary>
    public bool SourceAnswered => Volatile.Read(ref _sourceAnswered) != 0;

    /// <summary>
    /// Gets whether the cache layer failed this computation before it called the source (L2 or the lock threw or did not
    /// answer): it is then a fallback, computed directly, and its callers are not bounded by the hard timeout (ADR 0020).
    /// </summary>
    public bool FellBack => Volatile.Read(ref _fellBack) != 0;

    /// <summary>Records that the cache layer failed this computation.</summary>
    public void FallBack() => Volatile.Write(ref _fellBack, 1);

    /// <summary>Records that the computation calls the source now.</summary>
    public void CallingSource(long utcTicks)
    {
        Volatile.Write(ref _sourceCalledTicks, utcTicks);
        _sourceCalled.TrySetResult();
    }

    /// <summary>Records that the source has answered.</summary>
    public void SourceHasAnswered() => Volatile.Write(ref _sourceAnswered, 1);

    /// <summary>Adds a waiter unless every earlier waiter has already given up (then the work is being cancelled).</summary>
    public bool TryJoin()
    {
        while (true)
        {
            var waiters = Volatile.Read(ref _waiters);
            if (waiters == Abandoned)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _waiters, waiters + 1, waiters) == waiters)
            {
                return true;
            }
        }
    }

    /// <summary>Removes a waiter that cancelled; the last one out cancels foreground work.</summary>
    public void Leave()
    {
        if (Interlocked.Decrement(ref _waiters) == 0 && !Background
            && Interlocked.CompareExchange(ref _waiters, Abandoned, 0) == 0)
        {
            _cancellation.Cancel();
        }
    }

    /// <summary>Claims the one release of this computation's hold on the company's state (the value stored took its own).</summary>
    public bool ClaimRelease() => Interlocked.Exchange(ref _released, 1) == 0;

    public void Complete(FlightResult? result)
    {
        _completion.TrySetResult(result);
    }

    public void Fail(Exception exception)
    {
        if (exception is OperationCanceledException oce)
        {
            _completion.TrySetCanceled(oce.CancellationToken);
        }
        else
        {
            _completion.TrySetException(exception);
        }

    }
}
