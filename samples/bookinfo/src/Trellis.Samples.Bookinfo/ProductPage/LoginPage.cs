namespace Trellis.Samples.Bookinfo.ProductPage;

/// <summary>A stand-alone sign-in form for <c>GET /login</c>; the product page carries the same form.</summary>
internal static class LoginPage
{
    public const string Html = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Simple Bookstore App</title><link rel="stylesheet" href="static/bookinfo.css"></head>
        <body>
        <main>
        <h4>Please sign in</h4>
        <form method="post" action="login" name="login_form">
        <p><input type="text" name="username" id="username" placeholder="User Name" autofocus></p>
        <p><input type="password" name="passwd" placeholder="Password"></p>
        <p><button type="submit">Sign in</button> <a href="productpage">Cancel</a></p>
        </form>
        </main>
        </body>
        </html>
        """;
}
