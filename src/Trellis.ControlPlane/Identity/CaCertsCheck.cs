namespace Trellis.ControlPlane.Identity;

/// <summary>Checks a plug-in CA folder before a mesh starts on it, so `trellis up` can name the problem itself.</summary>
public static class CaCertsCheck
{
    /// <summary>Null when <paramref name="directory"/> is a usable cacerts folder, else why not (one line).</summary>
    public static string? Problem(string directory)
    {
        try
        {
            CaCertificates.PlugIn(directory, TimeProvider.System);
            return null;
        }
        catch (IdentityConfigurationException e)
        {
            return e.Message;
        }
    }
}
