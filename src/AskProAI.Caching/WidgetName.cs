namespace AskProAI.Caching;

/// <summary>Validation of widget names: lower-case letters, digits and underscores, 1 to 64 characters.</summary>
public static class WidgetName
{
    /// <summary>The longest accepted widget name.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="name"/> is a valid widget name (<c>[a-z0-9_]{1,64}</c>).</summary>
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the name is not valid.</summary>
    public static void ThrowIfInvalid(string? name, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(name))] string? paramName = null)
    {
        if (name is null || !IsValid(name))
        {
            throw new ArgumentException(
                $"'{Truncate(name)}' is not a valid widget name: use 1 to {MaxLength} characters from a-z, 0-9 and '_'.", paramName);
        }
    }

    private static string Truncate(string? s) => s is null ? "(null)" : s.Length <= MaxLength ? s : s[..MaxLength] + "…";
}
