namespace AskProAI.Web;

/// <summary>Every log message of the dashboard service, with fixed event ids (4000-4999, see docs/architecture.md). Never user input, emails or widget values.</summary>
internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Information, "Database migrated in {ElapsedMs:F0} ms")]
    public static partial void DatabaseMigrated(ILogger logger, double elapsedMs);

    [LoggerMessage(4002, LogLevel.Information, "Generating demo data ({Reason})")]
    public static partial void DemoDataGenerating(ILogger logger, string reason);

    [LoggerMessage(4003, LogLevel.Information, "Demo data generated in {ElapsedMs:F0} ms")]
    public static partial void DemoDataGenerated(ILogger logger, double elapsedMs);

    [LoggerMessage(4004, LogLevel.Information, "Demo users ready: {Created} created, {Existing} existing")]
    public static partial void DemoUsersReady(ILogger logger, int created, int existing);

    [LoggerMessage(4005, LogLevel.Critical, "Refusing to start in environment {Environment}: demo users (@askpro.test) exist in the database")]
    public static partial void DemoUsersOutsideDevelopment(ILogger logger, string environment);

    [LoggerMessage(4006, LogLevel.Warning, "Could not create demo user {Index}: {Errors}")]
    public static partial void DemoUserFailed(ILogger logger, int index, string errors);

    [LoggerMessage(4010, LogLevel.Debug, "Computed widget {Widget} ({Tier}) in {ElapsedMs:F1} ms")]
    public static partial void WidgetComputed(ILogger logger, string widget, string tier, double elapsedMs);

    [LoggerMessage(4020, LogLevel.Information, "Login failed ({Channel}): {Reason}")]
    public static partial void LoginFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(4021, LogLevel.Information, "Tenant access denied for widget request")]
    public static partial void TenantAccessDenied(ILogger logger);

    [LoggerMessage(4400, LogLevel.Information, "Session rejected ({Channel}): the user was deleted, locked out or re-stamped")]
    public static partial void SessionRevoked(ILogger logger, string channel);

    [LoggerMessage(4401, LogLevel.Information, "Request refused: the client is over its rate limit")]
    public static partial void RateLimited(ILogger logger);

    [LoggerMessage(4402, LogLevel.Warning, "Webhook {Name}: an event id was reused with a different body (409)")]
    public static partial void WebhookConflict(ILogger logger, string name);

    [LoggerMessage(4403, LogLevel.Warning, "Database unavailable ({ExceptionType}): answered 503")]
    public static partial void DatabaseUnavailable(ILogger logger, string exceptionType);

    [LoggerMessage(4100, LogLevel.Warning, "Slow database command: {ElapsedMs:F0} ms ({Method}, {Context})")]
    public static partial void SlowQuery(ILogger logger, double elapsedMs, string method, string context);

    [LoggerMessage(4110, LogLevel.Information, "Cache job {JobId} ({Kind}) started: {Total} computations")]
    public static partial void CacheJobStarted(ILogger logger, string jobId, string kind, int total);

    [LoggerMessage(4111, LogLevel.Information, "Cache job {JobId} ({Kind}) {State}: {Completed} completed, {Failed} failed in {ElapsedMs:F0} ms")]
    public static partial void CacheJobFinished(ILogger logger, string jobId, string kind, string state, int completed, int failed, double elapsedMs);

    [LoggerMessage(4112, LogLevel.Warning, "Cache job {JobId} ({Kind}): computing widget {Widget} failed")]
    public static partial void CacheJobItemFailed(ILogger logger, Exception exception, string jobId, string kind, string widget);

    [LoggerMessage(4113, LogLevel.Warning, "Cache job ({Kind}) not queued: the cache queue is full or stopping")]
    public static partial void CacheJobRejected(ILogger logger, string kind);

    [LoggerMessage(4120, LogLevel.Information, "Next scheduled cache warm at {NextRun:o}")]
    public static partial void WarmScheduled(ILogger logger, DateTimeOffset nextRun);

    [LoggerMessage(4121, LogLevel.Information, "Pre-hour warm: {Items} computations for {Companies} active companies before {BucketStart:o}")]
    public static partial void PreHourWarmStarting(ILogger logger, int items, int companies, DateTimeOffset bucketStart);

    [LoggerMessage(4122, LogLevel.Error, "Cache warm schedule failed; retrying at the next occurrence")]
    public static partial void WarmScheduleFailed(ILogger logger, Exception exception);

    [LoggerMessage(4130, LogLevel.Information, "Cache admin {Action} by {Caller}: {Scope}")]
    public static partial void CacheAdminAction(ILogger logger, string action, string caller, string scope);

    [LoggerMessage(4200, LogLevel.Error, "Invalidating the widgets of company {CompanyId} failed after a committed write")]
    public static partial void InvalidationFailed(ILogger logger, Exception exception, int companyId);

    [LoggerMessage(4201, LogLevel.Debug, "Invalidated {Count} widgets of company {CompanyId}")]
    public static partial void WidgetsInvalidated(ILogger logger, int companyId, int count);

    [LoggerMessage(4202, LogLevel.Warning, "Live push to company {CompanyId} failed")]
    public static partial void LivePushFailed(ILogger logger, Exception exception, int companyId);

    [LoggerMessage(4205, LogLevel.Warning, "Reading the live widget of company {CompanyId} for a push failed; the push goes without it and the page fetches it")]
    public static partial void LivePushReadFailed(ILogger logger, Exception exception, int companyId);

    [LoggerMessage(4203, LogLevel.Information, "Dashboard hub: watch of another company refused")]
    public static partial void HubWatchRefused(ILogger logger);

    [LoggerMessage(4204, LogLevel.Information, "Dashboard hub: watch of an unknown company refused")]
    public static partial void HubWatchUnknownCompany(ILogger logger);

    [LoggerMessage(4210, LogLevel.Information, "Webhook {Webhook} rejected: {Reason}")]
    public static partial void WebhookRejected(ILogger logger, string webhook, string reason);

    [LoggerMessage(4211, LogLevel.Information, "Webhook {Webhook}: duplicate delivery ignored")]
    public static partial void WebhookDuplicate(ILogger logger, string webhook);

    [LoggerMessage(4212, LogLevel.Debug, "Webhook {Webhook}: {Type} processed")]
    public static partial void WebhookProcessed(ILogger logger, string webhook, string type);

    [LoggerMessage(4300, LogLevel.Information, "Demo activity: a live call every {IntervalSeconds:0.#} s (writes demo calls; never enable on real data)")]
    public static partial void DemoActivityStarted(ILogger logger, double intervalSeconds);

    [LoggerMessage(4301, LogLevel.Warning, "Demo activity: a step failed; trying again at the next one")]
    public static partial void DemoActivityFailed(ILogger logger, Exception exception);

    [LoggerMessage(4500, LogLevel.Information, "Data Protection key ring ready (application {ApplicationName})")]
    public static partial void KeyRingReady(ILogger logger, string applicationName);

    [LoggerMessage(4501, LogLevel.Warning, "Data Protection keys are stored unencrypted: set KeyRing:CertificatePath to encrypt them at rest")]
    public static partial void KeyRingUnencrypted(ILogger logger);

    [LoggerMessage(4502, LogLevel.Error, "The Data Protection key ring could not be loaded at start; logins fail until its store answers")]
    public static partial void KeyRingUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(4600, LogLevel.Information, "{Path}: the row changed under the write (row version, attempt {Attempt}); reading it again")]
    public static partial void WriteConflictRetried(ILogger logger, string path, int attempt);

    [LoggerMessage(4601, LogLevel.Warning, "{Path}: the row kept changing under the write ({Attempts} attempts); answered 409")]
    public static partial void WriteConflictGaveUp(ILogger logger, string path, int attempts);

    [LoggerMessage(4610, LogLevel.Warning, "{Method} {Route}: a concurrency conflict (row version) on {Entities} reached the exception handler; answered 409, nothing of that save was stored")]
    public static partial void ConcurrencyConflictAnswered(ILogger logger, string method, string route, string entities);
}
