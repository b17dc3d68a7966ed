namespace AskProAI.Cli.Api;

/// <summary>Where the service is and how to authenticate, resolved from the options and the environment.</summary>
internal sealed record ServiceConnection(Uri BaseAddress, string Token, TimeSpan Timeout)
{
    /// <summary>The service address used when neither <c>--url</c> nor <c>ASKPRO_URL</c> is set.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>The environment variable holding the service address.</summary>
    public const string UrlVariable = "ASKPRO_URL";

    /// <summary>The environment variable holding the token.</summary>
    public const string TokenVariable = "ASKPRO_TOKEN";

    /// <summary>Gets the address as shown to the user: scheme, host, port and path, never credentials.</summary>
    public string DisplayAddress =>
        BaseAddress.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');

    /// <summary>Resolves the connection; throws <see cref="CliException"/> (usage or token) when it cannot be used.</summary>
    public static ServiceConnection Resolve(string? url, string? token, TimeSpan timeout, Func<string, string?> getVariable)
    {
        url = FirstNonBlank(url, getVariable(UrlVariable)) ?? DefaultUrl;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException(ExitCodes.Usage, $"--url must be an absolute http:// or https:// address, got '{url.Trim()}'.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new CliException(ExitCodes.Usage, "--url must not contain credentials; pass the token with --token or ASKPRO_TOKEN.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new CliException(ExitCodes.Usage, "--url must not contain a query or a fragment.");
        }

        // A base ending in '/' keeps a path prefix (http://host/askpro/) when the API paths are resolved against it.
        if (!uri.AbsolutePath.EndsWith('/'))
        {
            uri = new Uri(uri.AbsoluteUri + "/");
        }

        token = FirstNonBlank(token, getVariable(TokenVariable))?.Trim();
        if (token is null)
        {
            throw new CliException(
                ExitCodes.Unauthorized,
                "No token given: set --token or ASKPRO_TOKEN to the service's admin API token or a SuperAdmin's access token.");
        }

        if (token.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new CliException(ExitCodes.Usage, "The token contains spaces or control characters; check --token or ASKPRO_TOKEN.");
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw new CliException(ExitCodes.Usage, "--timeout must be a positive number of seconds.");
        }

        return new ServiceConnection(uri, token, timeout);
    }

    private static string? FirstNonBlank(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
