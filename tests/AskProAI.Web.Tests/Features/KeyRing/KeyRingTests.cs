using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using AskProAI.Data;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AskProAI.Web.Tests.Features.KeyRing;

/// <summary>
/// One Data Protection key ring per deployment: what one instance issued (bearer token, login cookie) another accepts
/// although it runs from another content root (the default key isolation of ASP.NET Core, as on another host), and a
/// Development instance's token is refused by Production on the same database.
/// </summary>
public sealed partial class KeyRingTests
{
    [Fact]
    public async Task TokenAndCookie_IssuedByA_AcceptedByB_KeysInTheDatabase()
    {
        await using var a = new KeyRingHost("Testing");
        await a.InitializeAsync();
        await using var b = new KeyRingHost("Testing", a.DatabasePath);
        _ = b.Services;

        await AssertIssuedByAcceptedByAsync(a, b);
        await AssertIssuedByAcceptedByAsync(b, a);

        await using var scope = a.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<AskProDbContext>().DataProtectionKeys.ToListAsync();
        Assert.Single(keys); // A created it at start, B found it instead of making its own
        Assert.Contains("<key id=", keys[0].Xml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenAndCookie_IssuedByA_AcceptedByB_KeysInRedis()
    {
        var prefix = "askpro-keyring-test-" + Guid.NewGuid().ToString("N")[..12] + ":";
        await using var a = new KeyRingHost("Testing", redisPrefix: prefix);
        await a.InitializeAsync();
        await using var b = new KeyRingHost("Testing", a.DatabasePath, redisPrefix: prefix);
        _ = b.Services;

        await AssertIssuedByAcceptedByAsync(a, b);
        await AssertIssuedByAcceptedByAsync(b, a);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestRedis.Configuration);
        var elements = await redis.GetDatabase().ListRangeAsync(prefix + "dataprotection:keys:Testing");
        Assert.Single(elements);
        Assert.Contains("<key id=", elements[0].ToString(), StringComparison.Ordinal);
        await using var scope = a.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<AskProDbContext>().DataProtectionKeys.CountAsync());
    }

    [Fact]
    public async Task Token_IssuedByDevelopment_RefusedByProduction_OnTheSameDatabase()
    {
        await using var production = new KeyRingHost("Production");
        await production.InitializeAsync();
        await using var development = new KeyRingHost("Development", production.DatabasePath); // the database has data: no demo data generated
        _ = development.Services;

        var developmentToken = await TokenAsync(development);
        var productionToken = await TokenAsync(production);

        Assert.Equal(HttpStatusCode.OK, await CompaniesWithTokenAsync(development, developmentToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await CompaniesWithTokenAsync(production, developmentToken));
        Assert.Equal(HttpStatusCode.OK, await CompaniesWithTokenAsync(production, productionToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await CompaniesWithTokenAsync(development, productionToken));
    }

    [Fact]
    public async Task Keys_WithCertificate_AreEncryptedAtRest()
    {
        var pfx = Path.Combine(Path.GetTempPath(), $"askpro-keyring-{Guid.NewGuid():N}.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=askpro-keyring-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "test-password"));
        }

        try
        {
            await using var a = new KeyRingHost("Testing", certificate: (pfx, "test-password"));
            await a.InitializeAsync();
            await using var b = new KeyRingHost("Testing", a.DatabasePath, certificate: (pfx, "test-password"));
            _ = b.Services;

            await AssertIssuedByAcceptedByAsync(a, b);

            await using var scope = a.Services.CreateAsyncScope();
            var xml = (await scope.ServiceProvider.GetRequiredService<AskProDbContext>().DataProtectionKeys.SingleAsync()).Xml!;
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    private static async Task AssertIssuedByAcceptedByAsync(KeyRingHost issuer, KeyRingHost other)
    {
        var token = await TokenAsync(issuer);
        Assert.Equal(HttpStatusCode.OK, await CompaniesWithTokenAsync(other, token));

        var cookie = await LoginCookieAsync(issuer);
        using var client = other.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/companies/1/widgets/stats_overview");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<string> TokenAsync(KeyRingHost host)
    {
        using var client = host.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = TestData.Manager1Email, password = TestData.Password });
        response.EnsureSuccessStatusCode();
        return (await Json.ReadAsync(response)).GetProperty("accessToken").GetString()!;
    }

    private static async Task<HttpStatusCode> CompaniesWithTokenAsync(KeyRingHost host, string token)
    {
        using var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.GetAsync("/api/companies");
        return response.StatusCode;
    }

    /// <summary>Logs in through the form (antiforgery included) and returns the <c>askpro.auth</c> cookie as a request header value.</summary>
    private static async Task<string> LoginCookieAsync(KeyRingHost host)
    {
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/login");
        var antiforgery = VerificationToken().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["email"] = TestData.Manager1Email,
            ["password"] = TestData.Password,
        });
        using var login = await client.PostAsync("/login", form);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("askpro.auth=", StringComparison.Ordinal));
        return cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex VerificationToken();

    /// <summary>
    /// One instance on a shared SQLite file, run from a content root of its own (a copy of the service's settings):
    /// without an application name the content root is what isolates ASP.NET Core's key rings.
    /// </summary>
    private sealed class KeyRingHost : WebAppFixture
    {
        private readonly string _environment;
        private readonly string _contentRoot = Directory.CreateTempSubdirectory("askpro-keyring-root-").FullName;
        private readonly string? _redisPrefix;
        private readonly (string Path, string Password)? _certificate;

        public KeyRingHost(string environment, string? databasePath = null, string? redisPrefix = null, (string Path, string Password)? certificate = null)
            : base(databasePath)
        {
            _environment = environment;
            _redisPrefix = redisPrefix;
            _certificate = certificate;
            DeleteDatabaseOnDispose = databasePath is null; // the first instance owns the shared file
            foreach (var settings in Directory.GetFiles(AppContext.BaseDirectory, "appsettings*.json"))
            {
                File.Copy(settings, Path.Combine(_contentRoot, Path.GetFileName(settings)));
            }
        }

        protected override string EnvironmentName => _environment;

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Directory.Delete(_contentRoot, recursive: true);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseContentRoot(_contentRoot);
            builder.UseSetting("Cache:Warm:Enabled", "false");
            if (_redisPrefix is not null)
            {
                builder.UseSetting("Cache:Redis:Configuration", TestRedis.Configuration);
                builder.UseSetting("Cache:Redis:Prefix", _redisPrefix);
            }

            if (_certificate is { } certificate)
            {
                builder.UseSetting("KeyRing:CertificatePath", certificate.Path);
                builder.UseSetting("KeyRing:CertificatePassword", certificate.Password);
            }
        }
    }
}
