using SharpRL.Spaces;

namespace SharpRL.Envs.Wrappers;

/// <summary>Argument checks and spaces shared by the single-env and vector normalisers.</summary>
internal static class NormalizationChecks
{
    public static void CheckClipAndEpsilon(double clip, double epsilon)
    {
        if (!(clip > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip must be positive (double.PositiveInfinity for no clipping).");
        }

        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be non-negative and finite.");
        }
    }

    public static void CheckGamma(double gamma)
    {
        if (!(gamma >= 0 && gamma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must lie in [0, 1].");
        }
    }

    /// <summary>Box(−clip, clip) with the raw space's shape (a Discrete observation becomes one float).</summary>
    public static Box NormalizedSpace(Space raw, double clip)
    {
        int[] shape = raw.Shape.Count > 0 ? [.. raw.Shape] : [raw.FlatSize];
        float bound = (float)clip;
        return new Box(-bound, bound, shape);
    }
}
