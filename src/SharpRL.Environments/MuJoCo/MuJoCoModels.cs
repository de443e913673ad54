namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// The MJCF model files shipped with SharpRL.Environments (the physics of Gymnasium's models), in the
/// <c>MuJoCo/Models</c> folder beside the assembly.
/// </summary>
public static class MuJoCoModels
{
    /// <summary>Folder of the shipped model files.</summary>
    public static string Directory
    {
        get
        {
            string? assemblyFolder = Path.GetDirectoryName(typeof(MuJoCoModels).Assembly.Location);
            string root = string.IsNullOrEmpty(assemblyFolder) ? AppContext.BaseDirectory : assemblyFolder;
            return Path.Combine(root, "MuJoCo", "Models");
        }
    }

    /// <summary>
    /// Gymnasium's <c>expand_model_path</c>: a path starting with "/", "." or "~" is the user's own file;
    /// any other name is one of the shipped models (e.g. "hopper.xml").
    /// </summary>
    /// <param name="xmlFile">A model name or path.</param>
    /// <returns>The full path of an existing file.</returns>
    public static string Resolve(string xmlFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(xmlFile);
        string path;
        if (xmlFile.StartsWith('/') || xmlFile.StartsWith('.') || Path.IsPathRooted(xmlFile))
        {
            path = Path.GetFullPath(xmlFile);
        }
        else if (xmlFile.StartsWith('~'))
        {
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), xmlFile[1..].TrimStart('/'));
        }
        else
        {
            path = Path.Combine(Directory, xmlFile);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"MuJoCo model file '{xmlFile}' was not found (looked at {path}); shipped models are in {Directory}, a path of your own must start with '/', '.' or '~'.",
                path);
        }

        return path;
    }
}
