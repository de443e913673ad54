namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>InvertedPendulum-v4</c> / <c>InvertedPendulum-v5</c>: a pole on a cart
/// (inverted_pendulum.xml, RK4, dt 0.04). Observation (4) = qpos ++ qvel; terminates when the
/// observation is not finite or |pole angle| &gt; 0.2; reward 1 per step (v5: 0 on the terminating
/// step). Reset: U(±0.01) on qpos and qvel.
/// </summary>
public sealed class InvertedPendulumEnv : MuJoCoEnv
{
    private static readonly MuJoCoVersions Versions = new(
        "InvertedPendulum", "inverted_pendulum.xml", FrameSkip: 2,
        KeysV4: [],
        KeysV5: ["reward_survive"]);

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">v5's constructor arguments (xml_file, frame_skip, reset_noise_scale); v4 has none.</param>
    public InvertedPendulumEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base(Versions, version, options)
    {
        RequireModelSize(2, 0, "the pole angle (qpos[1])");
        ResetNoiseScale = V5Double("reset_noise_scale", 0.01);
        Options.EnsureAllUsed();
        SetObservationSize(Nq + Nv);
        Settings = Describe(("reset_noise_scale", ResetNoiseScale), ("model", ModelName));
    }

    private protected override unsafe void WriteObservation(Span<double> observation)
    {
        int k = MuJoCoObservations.Copy(Data.Qpos, Nq, observation, 0);
        MuJoCoObservations.Copy(Data.Qvel, Nv, observation, k);
    }

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        DoSimulation(action);
        bool finite = true;
        for (int i = 0; i < Nq; i++)
        {
            finite &= double.IsFinite(Data.Qpos[i]);
        }

        for (int i = 0; i < Nv; i++)
        {
            finite &= double.IsFinite(Data.Qvel[i]);
        }

        terminated = !finite || Math.Abs(Data.Qpos[1]) > 0.2;
        if (Version == 4)
        {
            return 1.0;
        }

        double reward = terminated ? 0 : 1;
        info[0] = reward;
        return reward;
    }
}
