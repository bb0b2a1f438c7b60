namespace Trellis.Samples.Bookinfo.ProductPage;

/// <summary>The page's small stylesheet, served under <c>/static</c> (the path Istio's gateway routes for assets).</summary>
internal static class StyleSheet
{
    public const string Text = """
        body { margin: 0; font-family: system-ui, sans-serif; color: #222; }
        .bar { display: flex; justify-content: space-between; align-items: center; padding: 0.6em 1.2em; background: #222; color: #eee; }
        .bar a { color: #9cf; }
        .brand { font-weight: bold; }
        main { padding: 1em 2em; }
        h3, h4 { text-align: center; color: #337ab7; }
        .columns { display: flex; gap: 2em; }
        .columns section { flex: 1; }
        dt { font-weight: bold; }
        blockquote { border-left: 4px solid #ddd; margin: 1em 0; padding: 0.3em 1em; }
        font { font-size: 1.3em; letter-spacing: 0.1em; }
        .served-by { color: #888; font-size: 0.9em; }
        """;
}
