namespace AskProAI.Web;

/// <summary>Every log message of the dashboard service, with fixed event ids. Never user input, emails or widget values.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Information, "Database migrated in {ElapsedMs:F0} ms")]
    public static partial void DatabaseMigrated(ILogger logger, double elapsedMs);

    [LoggerMessage(2002, LogLevel.Information, "Generating demo data ({Reason})")]
    public static partial void DemoDataGenerating(ILogger logger, string reason);

    [LoggerMessage(2003, LogLevel.Information, "Demo data generated in {ElapsedMs:F0} ms")]
    public static partial void DemoDataGenerated(ILogger logger, double elapsedMs);

    [LoggerMessage(2004, LogLevel.Information, "Demo users ready: {Created} created, {Existing} existing")]
    public static partial void DemoUsersReady(ILogger logger, int created, int existing);

    [LoggerMessage(2005, LogLevel.Critical, "Refusing to start in environment {Environment}: demo users (@askpro.test) exist in the database")]
    public static partial void DemoUsersOutsideDevelopment(ILogger logger, string environment);

    [LoggerMessage(2006, LogLevel.Warning, "Could not create demo user {Index}: {Errors}")]
    public static partial void DemoUserFailed(ILogger logger, int index, string errors);

    [LoggerMessage(2010, LogLevel.Debug, "Computed widget {Widget} ({Tier}) in {ElapsedMs:F1} ms")]
    public static partial void WidgetComputed(ILogger logger, string widget, string tier, double elapsedMs);

    [LoggerMessage(2020, LogLevel.Information, "Login failed ({Channel}): {Reason}")]
    public static partial void LoginFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(2021, LogLevel.Information, "Tenant access denied for widget request")]
    public static partial void TenantAccessDenied(ILogger logger);

    [LoggerMessage(2100, LogLevel.Warning, "Slow database command: {ElapsedMs:F0} ms ({Method}, {Context})")]
    public static partial void SlowQuery(ILogger logger, double elapsedMs, string method, string context);

    [LoggerMessage(2110, LogLevel.Information, "Cache job {JobId} ({Kind}) started: {Total} computations")]
    public static partial void CacheJobStarted(ILogger logger, string jobId, string kind, int total);

    [LoggerMessage(2111, LogLevel.Information, "Cache job {JobId} ({Kind}) {State}: {Completed} completed, {Failed} failed in {ElapsedMs:F0} ms")]
    public static partial void CacheJobFinished(ILogger logger, string jobId, string kind, string state, int completed, int failed, double elapsedMs);

    [LoggerMessage(2112, LogLevel.Warning, "Cache job {JobId} ({Kind}): computing widget {Widget} failed")]
    public static partial void CacheJobItemFailed(ILogger logger, Exception exception, string jobId, string kind, string widget);

    [LoggerMessage(2113, LogLevel.Warning, "Cache job ({Kind}) not queued: the cache queue is full or stopping")]
    public static partial void CacheJobRejected(ILogger logger, string kind);

    [LoggerMessage(2120, LogLevel.Information, "Next scheduled cache warm at {NextRun:o}")]
    public static partial void WarmScheduled(ILogger logger, DateTimeOffset nextRun);

    [LoggerMessage(2121, LogLevel.Information, "Pre-hour warm: {Items} computations for {Companies} active companies before {BucketStart:o}")]
    public static partial void PreHourWarmStarting(ILogger logger, int items, int companies, DateTimeOffset bucketStart);

    [LoggerMessage(2122, LogLevel.Error, "Cache warm schedule failed; retrying at the next occurrence")]
    public static partial void WarmScheduleFailed(ILogger logger, Exception exception);

    [LoggerMessage(2130, LogLevel.Information, "Cache admin {Action} by {Caller}: {Scope}")]
    public static partial void CacheAdminAction(ILogger logger, string action, string caller, string scope);

    [LoggerMessage(2200, LogLevel.Error, "Invalidating the widgets of company {CompanyId} failed after a committed write")]
    public static partial void InvalidationFailed(ILogger logger, Exception exception, int companyId);

    [LoggerMessage(2201, LogLevel.Debug, "Invalidated {Count} widgets of company {CompanyId}")]
    public static partial void WidgetsInvalidated(ILogger logger, int companyId, int count);

    [LoggerMessage(2202, LogLevel.Warning, "Live push to company {CompanyId} failed")]
    public static partial void LivePushFailed(ILogger logger, Exception exception, int companyId);

    [LoggerMessage(2203, LogLevel.Information, "Dashboard hub: watch of another company refused")]
    public static partial void HubWatchRefused(ILogger logger);

    [LoggerMessage(2210, LogLevel.Information, "Webhook {Webhook} rejected: {Reason}")]
    public static partial void WebhookRejected(ILogger logger, string webhook, string reason);

    [LoggerMessage(2211, LogLevel.Information, "Webhook {Webhook}: duplicate delivery ignored")]
    public static partial void WebhookDuplicate(ILogger logger, string webhook);

    [LoggerMessage(2212, LogLevel.Debug, "Webhook {Webhook}: {Type} processed")]
    public static partial void WebhookProcessed(ILogger logger, string webhook, string type);

    [LoggerMessage(15001, LogLevel.Information, "Data Protection key ring ready (application {ApplicationName})")]
    public static partial void KeyRingReady(ILogger logger, string applicationName);

    [LoggerMessage(15002, LogLevel.Warning, "Data Protection keys are stored unencrypted: set KeyRing:CertificatePath to encrypt them at rest")]
    public static partial void KeyRingUnencrypted(ILogger logger);

    [LoggerMessage(15003, LogLevel.Error, "The Data Protection key ring could not be loaded at start; logins fail until its store answers")]
    public static partial void KeyRingUnavailable(ILogger logger, Exception exception);
}
