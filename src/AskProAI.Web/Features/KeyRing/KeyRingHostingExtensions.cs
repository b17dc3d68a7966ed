using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AskProAI.Caching.Redis;
using AskProAI.Data;
using AskProAI.Web.Infrastructure.Distributed;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AskProAI.Web.Features.KeyRing;

/// <summary>
/// One Data Protection key ring per deployment, so a bearer token, login cookie or antiforgery token issued by any
/// instance is accepted by every other, whatever its home folder or content root; and one per environment, so a
/// Development instance's tokens are refused by Production (the application name and the Redis key carry the environment).
/// </summary>
internal static class KeyRingHostingExtensions
{
    /// <summary>The purpose of the protector used to load (or create) the key ring at start.</summary>
    private const string StartPurpose = "AskProAI.KeyRing.Start";

    /// <summary>Returns the Data Protection application name of an environment: <c>AskProAI.{environment}</c>.</summary>
    public static string ApplicationName(string environmentName) => "AskProAI." + environmentName;

    /// <summary>
    /// Adds Data Protection with the application name of the environment, keys persisted to Redis in distributed mode
    /// (the application's multiplexer) or to the database (<see cref="AskProDbContext.DataProtectionKeys"/>) otherwise,
    /// and encrypted with <see cref="KeyRingOptions.CertificatePath"/> when set.
    /// </summary>
    public static WebApplicationBuilder AddKeyRing(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var environment = builder.Environment.EnvironmentName;
        services.AddOptions<KeyRingOptions>().BindConfiguration(KeyRingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var protection = services.AddDataProtection().SetApplicationName(ApplicationName(environment));

        if (DistributedCacheHostingExtensions.RedisConfiguration(builder.Configuration) is not null)
        {
            services.AddOptions<KeyManagementOptions>()
                .Configure<IConnectionMultiplexer, IOptions<RedisCacheOptions>, IOptions<KeyRingOptions>>((o, redis, cache, ring) =>
                    o.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), RedisKey(cache.Value, ring.Value, environment)));
        }
        else
        {
            protection.PersistKeysToDbContext<AskProDbContext>();
        }

        var certificate = builder.Configuration.GetSection(KeyRingOptions.SectionName)[nameof(KeyRingOptions.CertificatePath)];
        if (!string.IsNullOrWhiteSpace(certificate))
        {
            var password = builder.Configuration.GetSection(KeyRingOptions.SectionName)[nameof(KeyRingOptions.CertificatePassword)];
            protection.ProtectKeysWithCertificate(X509CertificateLoader.LoadPkcs12FromFile(certificate, password));
        }

        return builder;
    }

    /// <summary>
    /// Loads the key ring, creating its first key when the store is empty, so that an instance started after this one
    /// finds the key instead of making its own. Failing (Redis down at start) is logged, not fatal: the ring is loaded on
    /// first use, and in the meantime logins fail while the cache keeps serving.
    /// </summary>
    public static void PrepareKeyRing(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(KeyRingHostingExtensions).FullName!);
        var options = app.Services.GetRequiredService<IOptions<KeyRingOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.CertificatePath) && !app.Environment.IsDevelopment())
        {
            Log.KeyRingUnencrypted(logger);
        }

        try
        {
            app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(StartPurpose).Protect([1]);
            Log.KeyRingReady(logger, ApplicationName(app.Environment.EnvironmentName));
        }
        catch (Exception ex) when (ex is CryptographicException or RedisException or TimeoutException)
        {
            Log.KeyRingUnavailable(logger, ex);
        }
    }

    /// <summary>The Redis key of the key ring: <c>{Cache:Redis:Prefix}{KeyRing:RedisKey}:{environment}</c>.</summary>
    public static RedisKey RedisKey(RedisCacheOptions cache, KeyRingOptions ring, string environmentName) =>
        cache.Prefix + ring.RedisKey + ":" + environmentName;
}
