using System.Text.Encodings.Web;

namespace AskProAI.Web.Features.Auth;

/// <summary>The login page: rendered on the server because the form carries an antiforgery token.</summary>
internal static class LoginPageHtml
{
    /// <summary>
    /// Renders the page with the token field, an optional error message, the email typed before (kept after a failed
    /// attempt) and the local address to return to after signing in.
    /// </summary>
    public static string Render(string tokenField, string token, string? error, string? email = null, string? returnUrl = null)
    {
        var html = HtmlEncoder.Default;
        var errorBlock = error is null ? string.Empty : $"""<p class="login-error" id="login-error" role="alert">{html.Encode(error)}</p>""";
        var returnField = returnUrl is null ? string.Empty : $"""<input type="hidden" name="returnUrl" value="{html.Encode(returnUrl)}">""";
        var emailValue = string.IsNullOrEmpty(email) ? string.Empty : " value=\"" + html.Encode(email) + "\"";
        var focus = string.IsNullOrEmpty(email) ? (Email: " autofocus", Password: string.Empty) : (Email: string.Empty, Password: " autofocus");
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
                  {returnField}
                  <label for="email">Email</label>
                  <input id="email" name="email" type="email" autocomplete="username" required{emailValue}{focus.Email}>
                  <label for="password">Password</label>
                  <input id="password" name="password" type="password" autocomplete="current-password" required{focus.Password}>
                  <button type="submit" id="login-submit">Sign in</button>
                </form>
              </main>
            </body>
            </html>
            """;
    }
}
