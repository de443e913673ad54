namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// What v4 and v5 of one of Gymnasium's MuJoCo envs share in their constructors: the name, the model file,
/// the frame skip and the info keys of each version. <see cref="MuJoCoEnv"/>'s constructor reads from it the
/// id, v5's <c>xml_file</c> and <c>frame_skip</c> options, and the info keys, so each env states them once.
/// </summary>
/// <param name="Name">The id's name, e.g. "Hopper".</param>
/// <param name="XmlFile">The default model file (of both versions unless <see cref="XmlFileV5"/> is set).</param>
/// <param name="FrameSkip">The default frame skip (fixed in v4, v5's <c>frame_skip</c> option).</param>
/// <param name="KeysV4">v4's info keys.</param>
/// <param name="KeysV5">v5's info keys.</param>
internal sealed record MuJoCoVersions(string Name, string XmlFile, int FrameSkip, string[] KeysV4, string[] KeysV5)
{
    /// <summary>v5's default model file where it differs from v4's.</summary>
    public string? XmlFileV5 { get; init; }

    /// <summary>Whether v4 also has the <c>xml_file</c> option (Ant-v4 does).</summary>
    public bool V4HasXmlOption { get; init; }

    /// <summary>"Name-vN", after checking that N is 4 or 5.</summary>
    public string Id(int version)
    {
        if (version is not (4 or 5))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"{Name} exists as v4 and v5 (Gymnasium's MuJoCo bindings); got v{version}.");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Name}-v{version}");
    }

    /// <summary>The model file: v5's <c>xml_file</c> option (v4 fixes it unless <see cref="V4HasXmlOption"/>).</summary>
    public string ReadXmlFile(EnvOptions options, int version)
    {
        string defaultFile = version == 5 ? XmlFileV5 ?? XmlFile : XmlFile;
        return version == 5 || V4HasXmlOption ? options.String("xml_file", defaultFile) : defaultFile;
    }

    /// <summary>v5's <c>frame_skip</c> option (v4 fixes it).</summary>
    public int ReadFrameSkip(EnvOptions options, int version) =>
        version == 5 ? options.Int("frame_skip", FrameSkip, min: 1) : FrameSkip;

    /// <summary>The info keys of <paramref name="version"/>.</summary>
    public string[] Keys(int version) => version == 4 ? KeysV4 : KeysV5;
}
