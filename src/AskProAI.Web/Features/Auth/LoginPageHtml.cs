using System.Text.Encodings.Web;

namespace AskProAI.Web.Features.Auth;

/// <summary>The login page: rendered on the server because the form carries an antiforgery token.</summary>
internal static class LoginPageHtml
{
    /// <summary>Renders the page with the token field and an optional error message.</summary>
    public static string Render(string tokenField, string token, string? error)
    {
        var html = HtmlEncoder.Default;
        var errorBlock = error is null ? string.Empty : $"""<p class="login-error" id="login-error" role="alert">{html.Encode(error)}</p>""";
        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <link rel="icon" href="data:,">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in · AskProAI</title>
              <link rel="stylesheet" href="/css/site.css">
            </head>
            <body class="login-body">
              <main class="login-card">
                <h1 class="brand">AskPro<span>AI</span></h1>
                <p class="muted">Sign in to your company dashboard.</p>
                {errorBlock}
                <form method="post" action="/login" id="login-form">
                  <input type="hidden" name="{html.Encode(tokenField)}" value="{html.Encode(token)}">
                  <label for="email">Email</label>
                  <input id="email" name="email" type="email" autocomplete="username" required autofocus>
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required>
                  <button type="submit" id="login-submit">Sign in</button>
                </form>
              </main>
            </body>
            </html>
            """;
    }
}
