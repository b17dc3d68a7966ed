using AskProAI.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Calls;

/// <summary>
/// A write whose row changed between its read and its save (the row version, <see cref="IVersioned"/>, refuses the
/// update: ADR 0022) is read and applied again, a bounded number of times; then it is a 409 with a clear message,
/// never a 500 and never an overwrite of the other write.
/// </summary>
internal static class ConcurrentWrites
{
    /// <summary>How many times a write is tried in all.</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// Runs <paramref name="write"/> (read the row, check, change, save) until it saves without a version conflict, at
    /// most <see cref="MaxAttempts"/> times; the tracker is cleared between attempts so the row is read afresh.
    /// </summary>
    public static async Task<TResult> RunAsync<TResult>(
        AskProDbContext db, ILoggerFactory loggers, string path, string what, Func<Task<TResult>> write, Func<ProblemHttpResult, TResult> conflict)
    {
        var logger = loggers.CreateLogger(typeof(ConcurrentWrites).FullName!);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await write();
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                if (attempt >= MaxAttempts)
                {
                    Log.WriteConflictGaveUp(logger, path, attempt);
                    return conflict(Conflict(what));
                }

                Log.WriteConflictRetried(logger, path, attempt);
            }
        }
    }

    /// <summary>The 409 of a write that kept finding its row changed.</summary>
    public static ProblemHttpResult Conflict(string what) => TypedResults.Problem(
        title: "Changed concurrently",
        detail: $"The {what} was changed by another request while this one was applied, {MaxAttempts} times in a row; nothing of this request was saved. Read it and send the change again.",
        statusCode: StatusCodes.Status409Conflict);
}
