using System.Globalization;
using System.Net;
using Npgsql;

namespace AskProAI.LoadTest;

/// <summary>What to run: parsed from <c>--name value</c> arguments, every one with a default.</summary>
internal sealed class LoadOptions
{
    public List<Uri> Urls { get; } = [];

    /// <summary>
    /// Each instance's own address, for its <c>/metrics</c> when <see cref="Urls"/> is a load balancer; empty: the
    /// instances are <see cref="Urls"/>.
    /// </summary>
    public List<Uri> InstanceUrls { get; } = [];

    /// <summary>Gets the instances whose <c>/metrics</c> are scraped, named A, B, ... in this order.</summary>
    public IReadOnlyList<Uri> MetricsUrls => InstanceUrls.Count > 0 ? InstanceUrls : Urls;

    public int Companies { get; private set; } = 20;

    public int ViewersPerCompany { get; private set; } = 2;

    public TimeSpan PollInterval { get; private set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(20);

    public double WebhooksPerSecond { get; private set; } = 5;

    /// <summary>
    /// The busy-hour peak: the webhook rate is multiplied by this factor in the middle third of each phase (1: flat).
    /// </summary>
    public double PeakFactor { get; private set; } = 1;

    /// <summary>
    /// Gets whether the webhooks are call starts only (the stream of the runs before ADR 0022); otherwise each
    /// acknowledged start is followed by the same call's end after <see cref="CallDuration"/>, so that at steady state
    /// half the events are ends. The rate (<see cref="WebhooksPerSecond"/>) counts both.
    /// </summary>
    public bool StartsOnly { get; private set; }

    /// <summary>Gets the shortest and longest call (uniform between them); the default is 20 to 120 seconds.</summary>
    public (TimeSpan Min, TimeSpan Max) CallDuration { get; private set; } = (TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(120));

    public int Seed { get; private set; } = 42;

    public List<string> Modes { get; } = [];

    public string AdminToken { get; private set; } = "dev-admin-token";

    public string Email { get; private set; } = "admin@askpro.test";

    public string Password { get; private set; } = "demo-password";

    public string WebhookSecret { get; private set; } = "dev-telephony-webhook-secret";

    public string Output { get; private set; } = "artifacts/load";

    public string Label { get; private set; } = "in-process";

    /// <summary>How often each instance's <c>/metrics</c> is scraped for memory; the default is 15 seconds.</summary>
    public TimeSpan MemorySampleInterval { get; private set; } = TimeSpan.FromSeconds(15);

    /// <summary>The database to check at the end for every acknowledged webhook; null: not checked.</summary>
    public DatabaseTarget? VerifyDatabase { get; private set; }

    public static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--url": o.Urls.AddRange(Next().Split(',').Select(u => new Uri(u.Trim()))); break;
                case "--instance-url": o.InstanceUrls.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u.Trim()))); break;
                case "--companies": o.Companies = PositiveInt(name, Next()); break;
                case "--viewers": o.ViewersPerCompany = PositiveInt(name, Next()); break;
                case "--poll-ms": o.PollInterval = TimeSpan.FromMilliseconds(PositiveInt(name, Next())); break;
                case "--duration-s": o.Duration = TimeSpan.FromSeconds(PositiveInt(name, Next())); break;
                case "--webhooks-per-s": o.WebhooksPerSecond = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--peak-factor": o.PeakFactor = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--starts-only": o.StartsOnly = true; break;
                case "--call-duration-s": o.CallDuration = Range(name, Next()); break;
                case "--seed": o.Seed = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--modes": o.Modes.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
                case "--admin-token": o.AdminToken = Next(); break;
                case "--email": o.Email = Next(); break;
                case "--password": o.Password = Next(); break;
                case "--webhook-secret": o.WebhookSecret = Next(); break;
                case "--out": o.Output = Next(); break;
                case "--label": o.Label = Next(); break;
                case "--memory-sample-s": o.MemorySampleInterval = TimeSpan.FromSeconds(PositiveInt(name, Next())); break;
                case "--verify-database": o.VerifyDatabase = DatabaseTarget.Parse(Next()); break;
                default: throw new ArgumentException($"Unknown option {name}.");
            }
        }

        if (o.Urls.Count == 0)
        {
            o.Urls.Add(new Uri("http://127.0.0.1:5080"));
        }

        if (o.Modes.Count == 0)
        {
            o.Modes.AddRange(["Disabled", "Legacy", "Optimized"]);
        }

        // Load is only ever sent to this machine, and bounded in time.
        foreach (var url in o.Urls.Concat(o.InstanceUrls))
        {
            if (!IsLoopback(url))
            {
                throw new ArgumentException($"{url} is not a loopback address: the load simulator only targets 127.0.0.0/8, localhost or [::1].");
            }
        }

        if (o.VerifyDatabase is { Provider: DatabaseTarget.PostgreSql } pg && !IsLoopbackHost(new NpgsqlConnectionStringBuilder(pg.ConnectionString).Host))
        {
            throw new ArgumentException("--verify-database: the PostgreSQL host must be a loopback address.");
        }

        if (o.Duration > TimeSpan.FromMinutes(15) || o.WebhooksPerSecond is < 0 or > 500 || o.PeakFactor is < 1 or > 20 || o.WebhooksPerSecond * o.PeakFactor > 500 || o.Companies * o.ViewersPerCompany > 2000)
        {
            throw new ArgumentException("Bounds: at most 15 minutes, 500 webhooks/s (peak included; --peak-factor 1 to 20) and 2000 viewers.");
        }

        return o;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static bool IsLoopbackHost(string? host) =>
        host is not null && host.Split(',').All(h => h.Trim() is "localhost" || h.Trim().StartsWith('/') || (IPAddress.TryParse(h.Trim().Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));

    /// <summary>"20-120" (seconds, uniform) or "60" (every call as long).</summary>
    private static (TimeSpan Min, TimeSpan Max) Range(string name, string value)
    {
        var parts = value.Split('-');
        var min = PositiveInt(name, parts[0]);
        var max = parts.Length == 2 ? PositiveInt(name, parts[1]) : parts.Length == 1 ? min : throw new ArgumentException($"{name} takes seconds or min-max seconds, not '{value}'.");
        return max >= min ? (TimeSpan.FromSeconds(min), TimeSpan.FromSeconds(max)) : throw new ArgumentException($"{name}: {max} is less than {min}.");
    }

    private static int PositiveInt(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a positive integer, not '{value}'.");
}

/// <summary>The database named by <c>--verify-database &lt;provider&gt;:&lt;connection string&gt;</c>.</summary>
/// <param name="Provider"><see cref="Sqlite"/> or <see cref="PostgreSql"/>.</param>
/// <param name="ConnectionString">The provider's connection string.</param>
internal sealed record DatabaseTarget(string Provider, string ConnectionString)
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";

    public static DatabaseTarget Parse(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var provider = colon > 0 ? value[..colon] : string.Empty;
        var connectionString = colon > 0 ? value[(colon + 1)..] : string.Empty;
        provider = provider.Equals(Sqlite, StringComparison.OrdinalIgnoreCase) ? Sqlite
            : provider.Equals(PostgreSql, StringComparison.OrdinalIgnoreCase) ? PostgreSql
            : throw new ArgumentException($"--verify-database takes Sqlite:<connection string> or PostgreSql:<connection string>, not '{provider}:...'.");
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new ArgumentException("--verify-database needs a connection string after the provider.")
            : new DatabaseTarget(provider, connectionString);
    }

    /// <summary>The provider and the connection string without its password, for the report.</summary>
    public override string ToString() => Provider + ":" + string.Join(';', ConnectionString.Split(';')
        .Where(p => !p.TrimStart().StartsWith("Password", StringComparison.OrdinalIgnoreCase)));
}
