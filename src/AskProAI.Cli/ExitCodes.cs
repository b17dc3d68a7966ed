namespace AskProAI.Cli;

/// <summary>The process exit codes of <c>askpro</c>; documented in the README, stable for scripts.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>A defect in <c>askpro</c> itself (an exception nobody expected).</summary>
    public const int Unexpected = 1;

    /// <summary>Bad command line: unknown command or option, or a value that fails local validation.</summary>
    public const int Usage = 2;

    /// <summary>The service could not be reached or did not answer in time.</summary>
    public const int Unreachable = 3;

    /// <summary>No token, a token the service rejects (401) or a token without admin rights (403).</summary>
    public const int Unauthorized = 4;

    /// <summary>Unknown widget, company or job (404).</summary>
    public const int NotFound = 5;

    /// <summary>The service refused the input (400 and other client errors).</summary>
    public const int BadRequest = 6;

    /// <summary>The service failed (5xx), answered something unreadable, or a warm job failed.</summary>
    public const int ServerError = 7;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
