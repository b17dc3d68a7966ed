using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace AskProAI.Cli;

/// <summary>
/// The options every command shares (<c>--url</c>, <c>--token</c>, <c>--timeout</c>) and the factories of the
/// validated ones that several commands take (<c>--widget</c>, <c>--company</c>). Validation errors are parse
/// errors, so they exit with <see cref="ExitCodes.Usage"/> before any request.
/// </summary>
internal sealed class CliOptions
{
    /// <summary>The longest widget name accepted locally.</summary>
    public const int MaxWidgetNameLength = 64;

    /// <summary>Gets the service address option.</summary>
    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"The AskProAI service address [env: ASKPRO_URL; default: {Api.ServiceConnection.DefaultUrl}]",
        HelpName = "URL",
        Recursive = true,
    };

    /// <summary>Gets the token option.</summary>
    public Option<string?> Token { get; } = new("--token")
    {
        Description = "The admin API token or a SuperAdmin's access token, sent as a bearer token [env: ASKPRO_TOKEN]",
        HelpName = "TOKEN",
        Recursive = true,
    };

    /// <summary>Gets the request timeout option.</summary>
    /// <value>Seconds (a number, so that help shows "30", not "00:00:30"); the default value is 30.</value>
    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for each answer of the service",
        HelpName = "SECONDS",
        Recursive = true,
        DefaultValueFactory = _ => 30,
        CustomParser = ParseSeconds,
    };

    /// <summary>A <c>--widget NAME</c> option: lowercase letters, digits and underscores.</summary>
    public static Option<string?> Widget(string description) => new("--widget")
    {
        Description = description,
        HelpName = "NAME",
        CustomParser = ParseWidget,
    };

    /// <summary>A <c>--company ID</c> option: a positive integer.</summary>
    public static Option<int?> Company(string description) => new("--company")
    {
        Description = description,
        HelpName = "ID",
        CustomParser = ParseCompany,
    };

    /// <summary>Whether <paramref name="name"/> is a well-formed widget name.</summary>
    public static bool IsWidgetName(string name) =>
        name.Length is > 0 and <= MaxWidgetNameLength && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    private static string? ParseWidget(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (!IsWidgetName(text))
        {
            result.AddError(
                $"--widget must be a widget name of lowercase letters, digits and underscores (at most {MaxWidgetNameLength}), got '{text}'.");
            return null;
        }

        return text;
    }

    private static int? ParseCompany(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            result.AddError($"--company must be a positive integer company id, got '{text}'.");
            return null;
        }

        return id;
    }

    private static double ParseSeconds(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0 || seconds > 3600)
        {
            result.AddError($"--timeout must be a number of seconds between 0 and 3600, got '{text}'.");
            return default;
        }

        return seconds;
    }
}
