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
}
