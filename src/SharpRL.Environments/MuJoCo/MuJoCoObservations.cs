namespace SharpRL.Environments.MuJoCo;

/// <summary>Observation pieces the MuJoCo envs share.</summary>
internal static unsafe class MuJoCoObservations
{
    /// <summary>qpos[skip:] ++ clip(qvel, ±clip) (no clipping when <paramref name="clip"/> is infinite).</summary>
    public static void PositionsAndClippedVelocities(double* qpos, int nq, int skip, double* qvel, int nv, double clip, Span<double> observation)
    {
        int k = 0;
        for (int i = skip; i < nq; i++)
        {
            observation[k++] = qpos[i];
        }

        for (int i = 0; i < nv; i++)
        {
            double v = qvel[i];
            observation[k++] = v < -clip ? -clip : v > clip ? clip : v;
        }
    }

    /// <summary>Copies <paramref name="count"/> values.</summary>
    public static int Copy(double* source, int count, Span<double> observation, int offset)
    {
        new ReadOnlySpan<double>(source, count).CopyTo(observation[offset..]);
        return offset + count;
    }
}
