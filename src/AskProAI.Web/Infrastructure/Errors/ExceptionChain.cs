namespace AskProAI.Web.Infrastructure.Errors;

/// <summary>The exception handlers' look through an exception and its inner exceptions (EF Core and ASP.NET Core wrap them).</summary>
internal static class ExceptionChain
{
    /// <summary>The first exception in the chain that is a <typeparamref name="T"/> and matches, or null.</summary>
    public static T? Find<T>(Exception? exception, Func<T, bool>? matches = null)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found && (matches is null || matches(found)))
            {
                return found;
            }
        }

        return null;
    }
}
