using System.ComponentModel.DataAnnotations;

namespace AskProAI.Caching;

/// <summary>Options of the widget cache, bound from the <c>Cache</c> configuration section.</summary>
public sealed class WidgetCacheOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Cache";

    // From the measured compute times (docs/engine.md, "Factory timeouts"; bench/run-compute-times.sh): live and statistics
    // widgets take milliseconds (at most 186 ms with 16 computations competing for two busy cores), the heavy
    // dashboard_stats up to 1.3 s alone and 2.8 s contended on the busy machine (0.45 s and 0.56 s on a quieter one). A soft
    // timeout above what a healthy computation takes on a busy machine; a hard timeout several times that, for a source
    // in trouble.
    private static readonly TimeSpan DefaultLiveSoftTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DefaultLiveHardTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultStatisticsSoftTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan DefaultStatisticsHardTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultHeavySoftTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DefaultHeavyHardTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Gets the settings of the live tier.</summary>
    /// <value>The default value is a 60 s TTL, no background refresh, stale rollover and next-bucket prefetch on:
    /// every company's live widgets change minute bucket in the same second, and without them each minute boundary
    /// is a miss storm; a 10 s fail-safe throttle; a 0.5 s soft and a 5 s hard timeout.</value>
    public TierOptions Live { get; set; } = new()
    {
        Ttl = TimeSpan.FromSeconds(60), ServeStaleOnRollover = true, PrefetchNextBucket = true, FailSafeThrottle = TimeSpan.FromSeconds(10),
        SoftTimeout = DefaultLiveSoftTimeout, HardTimeout = DefaultLiveHardTimeout,
    };

    /// <summary>Gets the settings of the statistics tier.</summary>
    /// <value>The default value is a 300 s TTL, no background refresh, stale rollover on, a 30 s fail-safe throttle, a 0.5 s
    /// soft and a 5 s hard timeout.</value>
    public TierOptions Statistics { get; set; } = new()
    {
        Ttl = TimeSpan.FromSeconds(300), ServeStaleOnRollover = true, FailSafeThrottle = TimeSpan.FromSeconds(30),
        SoftTimeout = DefaultStatisticsSoftTimeout, HardTimeout = DefaultStatisticsHardTimeout,
    };

    /// <summary>Gets the settings of the heavy tier.</summary>
    /// <value>The default value is a 900 s TTL, background refresh and stale rollover on, a 30 s fail-safe throttle, a 3 s
    /// soft and a 15 s hard timeout.</value>
    public TierOptions Heavy { get; set; } = new()
    {
        Ttl = TimeSpan.FromSeconds(900), BackgroundRefresh = true, ServeStaleOnRollover = true, FailSafeThrottle = TimeSpan.FromSeconds(30),
        SoftTimeout = DefaultHeavySoftTimeout, HardTimeout = DefaultHeavyHardTimeout,
    };

    /// <summary>Gets or sets the per-widget settings, by widget name; registering a widget adds an entry.</summary>
    public Dictionary<string, WidgetOptions> Widgets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets how widgets are cached, unless a widget says otherwise.</summary>
    /// <value>The default value is <see cref="CacheMode.Optimized"/>.</value>
    public CacheMode Mode { get; set; } = CacheMode.Optimized;

    /// <summary>Gets or sets the percentage of companies put on <see cref="CacheMode.Optimized"/> when the mode
    /// is Optimized; the others get <see cref="CacheMode.Legacy"/>. Companies are chosen by a stable hash of their id.</summary>
    /// <value>The default value is 100.</value>
    [Range(0, 100)]
    public int OptimizedPercent { get; set; } = 100;

    /// <summary>Gets or sets the fixed TTL of <see cref="CacheMode.Legacy"/>.</summary>
    /// <value>The default value is 900 seconds.</value>
    public TimeSpan LegacyTtl { get; set; } = TimeSpan.FromSeconds(900);

    /// <summary>Gets or sets the fraction of the TTL after which a background-refreshed entry is refreshed.</summary>
    /// <value>The default value is 0.8 (80 % of the TTL).</value>
    [Range(0.1, 1.0)]
    public double RefreshThreshold { get; set; } = 0.8;

    /// <summary>Gets or sets how long after expiry a value may still be served when its computation fails.</summary>
    /// <value>The default value is 1 hour.</value>
    public TimeSpan FailSafeMaxDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the computation time above which a computation is logged as slow.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan SlowComputationThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the maximum number of entries held in process (L1). A company's tag stamps are kept only while it
    /// has an entry (or a computation, or day segments), so this also bounds the companies kept.
    /// </summary>
    /// <value>The default value is 100,000.</value>
    [Range(16, int.MaxValue)]
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets the estimated bytes the L1 may hold before it evicts: entries with their values, serialized bytes and
    /// bookkeeping, and the companies' tag stamps.
    /// </summary>
    /// <value>The default value is 256 MiB.</value>
    [Range(1024L, long.MaxValue)]
    public long SizeLimitBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Gets or sets how often expired and invalidated entries are swept out of L1.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how many work items the <c>cache</c> queue holds before it refuses more.</summary>
    /// <value>The default value is 1,024.</value>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 1024;

    /// <summary>Gets or sets how many workers process the <c>cache</c> queue.</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 64)]
    public int QueueWorkers { get; set; } = 2;

    /// <summary>Gets or sets how many slow computations the statistics keep.</summary>
    /// <value>The default value is 10.</value>
    [Range(0, 1000)]
    public int SlowestKept { get; set; } = 10;

    /// <summary>Gets or sets how long a distributed computation lock is held at most (its lease).</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan DistributedLockLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long an instance waits for another instance's computation before computing itself; it also bounds
    /// the cache's own L2 and lock work before a computation, and the L2 write after it. The hard timeout does not count
    /// this time: a shared store in trouble delays a request by at most this much, it never fails it (ADR 0020).
    /// </summary>
    /// <value>The default value is 5 seconds; it must be positive and at most 10 minutes.</value>
    public TimeSpan DistributedLockWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how often an instance waiting on another instance's computation looks in L2.</summary>
    /// <value>The default value is 20 milliseconds.</value>
    public TimeSpan DistributedLockPollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest soft or hard timeout accepted (a dashboard never waits longer).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    private static void ValidateTimeouts(string section, TimeSpan soft, TimeSpan hard, List<string> errors)
    {
        if (soft < TimeSpan.Zero || soft > MaxTimeout)
        {
            errors.Add($"{section}:SoftTimeout must be between 0 (off) and {MaxTimeout} (it is {soft}).");
        }

        if (hard < TimeSpan.Zero || hard > MaxTimeout)
        {
            errors.Add($"{section}:HardTimeout must be between 0 (off) and {MaxTimeout} (it is {hard}).");
        }

        if (soft > TimeSpan.Zero && hard > TimeSpan.Zero && soft >= hard)
        {
            errors.Add($"{section}:SoftTimeout ({soft}) must be shorter than its HardTimeout ({hard}), or 0 to turn it off.");
        }
    }

    /// <summary>Gets the settings of a tier.</summary>
    public TierOptions For(WidgetTier tier) => tier switch
    {
        WidgetTier.Live => Live,
        WidgetTier.Statistics => Statistics,
        WidgetTier.Heavy => Heavy,
        _ => throw new ArgumentOutOfRangeException(nameof(tier)),
    };

    /// <summary>Returns the validation errors of these options, empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var tier in WidgetTiers.All)
        {
            var t = For(tier);
            if (t.Ttl <= TimeSpan.Zero)
            {
                errors.Add($"Cache:{tier}:Ttl must be positive.");
            }

            if (t.FailSafeThrottle < TimeSpan.Zero)
            {
                errors.Add($"Cache:{tier}:FailSafeThrottle must not be negative.");
            }

            ValidateTimeouts($"Cache:{tier}", t.SoftTimeout, t.HardTimeout, errors);
        }

        foreach (var (name, w) in Widgets)
        {
            if (!WidgetName.IsValid(name))
            {
                errors.Add($"Cache:Widgets:{name} is not a valid widget name.");
            }

            if (w.Ttl is { } ttl && ttl <= TimeSpan.Zero)
            {
                errors.Add($"Cache:Widgets:{name}:Ttl must be positive.");
            }

            if (w.FailSafeThrottle is { } throttle && throttle < TimeSpan.Zero)
            {
                errors.Add($"Cache:Widgets:{name}:FailSafeThrottle must not be negative.");
            }

            if ((w.SoftTimeout is not null || w.HardTimeout is not null) && Enum.IsDefined(w.Tier))
            {
                // The widget's own values, each completed by its tier's: the pair it will run with must make sense.
                var tier = For(w.Tier);
                ValidateTimeouts($"Cache:Widgets:{name}", w.SoftTimeout ?? tier.SoftTimeout, w.HardTimeout ?? tier.HardTimeout, errors);
            }
        }

        if (OptimizedPercent is < 0 or > 100)
        {
            errors.Add("Cache:OptimizedPercent must be between 0 and 100.");
        }

        if (LegacyTtl <= TimeSpan.Zero)
        {
            errors.Add("Cache:LegacyTtl must be positive.");
        }

        if (RefreshThreshold is < 0.1 or > 1.0)
        {
            errors.Add("Cache:RefreshThreshold must be between 0.1 and 1.0.");
        }

        if (DistributedLockWait <= TimeSpan.Zero || DistributedLockWait > MaxTimeout)
        {
            errors.Add($"Cache:DistributedLockWait must be positive and at most {MaxTimeout} (it is {DistributedLockWait}).");
        }

        if (FailSafeMaxDuration < TimeSpan.Zero || SweepInterval <= TimeSpan.Zero || SlowComputationThreshold <= TimeSpan.Zero)
        {
            errors.Add("Cache durations must be positive.");
        }

        return errors;
    }
}
