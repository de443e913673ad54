using System.Globalization;

namespace SharpRL.Environments.MuJoCo;

/// <summary>What v4 and v5 of Gymnasium's MuJoCo envs share in their constructors.</summary>
internal static class MuJoCoVersions
{
    /// <summary>"Name-vN", after checking that N is 4 or 5.</summary>
    public static string Id(string name, int version)
    {
        if (version is not (4 or 5))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"{name} exists as v4 and v5 (Gymnasium's MuJoCo bindings); got v{version}.");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{name}-v{version}");
    }

    /// <summary>The model file: v5's <c>xml_file</c> option (v4 fixes it unless <paramref name="v4HasOption"/>).</summary>
    public static string XmlFile(MuJoCoOptions options, int version, string defaultFile, bool v4HasOption = false) =>
        version == 5 || v4HasOption ? options.String("xml_file", defaultFile) : defaultFile;

    /// <summary>v5's <c>frame_skip</c> option (v4 fixes it).</summary>
    public static int FrameSkip(MuJoCoOptions options, int version, int defaultFrameSkip) =>
        version == 5 ? options.Int("frame_skip", defaultFrameSkip, min: 1) : defaultFrameSkip;
}
