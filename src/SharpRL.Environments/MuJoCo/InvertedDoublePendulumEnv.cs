namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>InvertedDoublePendulum-v4</c> / <c>-v5</c>: two poles on a cart
/// (inverted_double_pendulum.xml, RK4, dt 0.05). Observation v4 (11) = [qpos[0], sin qpos[1:], cos qpos[1:],
/// clip(qvel, ±10), clip(qfrc_constraint, ±10)], v5 (9) keeps only qfrc_constraint[0]. With (x, _, y) the
/// tip site's position: reward = 10 − (0.01x² + (y − 2)²) − (1e-3·v1² + 5e-3·v2²), terminated when y ≤ 1
/// (v5: no alive bonus on that step). Reset: qpos0 + U(±0.1), 0.1·N(0, 1) velocities.
/// </summary>
/// <remarks>Squares are <c>x ** 2</c> in Gymnasium, i.e. the C library's pow(x, 2), which here rounds unlike x·x.</remarks>
public sealed class InvertedDoublePendulumEnv : MuJoCoEnv
{
    private static readonly MuJoCoVersions Versions = new(
        "InvertedDoublePendulum", "inverted_double_pendulum.xml", FrameSkip: 5,
        KeysV4: [],
        KeysV5: ["reward_survive", "distance_penalty", "velocity_penalty"]);

    private readonly double _healthyReward;

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">v5's constructor arguments (xml_file, frame_skip, healthy_reward, reset_noise_scale); v4 has none.</param>
    public InvertedDoublePendulumEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base(Versions, version, options)
    {
        RequireModelSize(1, 3, "the cart (qpos[0]), the poles' velocities (qvel[1..2]) and the tip (site 0)", sites: 1);
        _healthyReward = V5Double("healthy_reward", 10.0);
        ResetNoiseScale = V5Double("reset_noise_scale", 0.1);
        NormalVelocityNoise = true;
        Options.EnsureAllUsed();
        SetObservationSize(1 + (2 * (Nq - 1)) + Nv + (version == 4 ? Nv : 1));
        Settings = Describe(("healthy_reward", _healthyReward), ("reset_noise_scale", ResetNoiseScale), ("model", ModelName));
    }

    private protected override unsafe void WriteObservation(Span<double> observation)
    {
        double* qpos = Data.Qpos;
        int k = 0;
        observation[k++] = qpos[0];
        for (int i = 1; i < Nq; i++)
        {
            observation[k++] = Math.Sin(qpos[i]);
        }

        for (int i = 1; i < Nq; i++)
        {
            observation[k++] = Math.Cos(qpos[i]);
        }

        for (int i = 0; i < Nv; i++)
        {
            observation[k++] = Clip(Data.Qvel[i], -10, 10);
        }

        int constraints = Version == 4 ? Nv : 1;
        for (int i = 0; i < constraints; i++)
        {
            observation[k++] = Clip(Data.QfrcConstraint[i], -10, 10);
        }
    }

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        DoSimulation(action);
        double x = Data.SiteXpos[0];
        double y = Data.SiteXpos[2];
        double v1 = Data.Qvel[1];
        double v2 = Data.Qvel[2];
        double distancePenalty = (0.01 * Math.Pow(x, 2)) + Math.Pow(y - 2, 2);
        double velocityPenalty = (1e-3 * Math.Pow(v1, 2)) + (5e-3 * Math.Pow(v2, 2));
        terminated = y <= 1;
        double aliveBonus = Version == 4 ? 10 : _healthyReward * (terminated ? 0 : 1);
        if (Version == 5)
        {
            info[0] = aliveBonus;
            info[1] = -distancePenalty;
            info[2] = -velocityPenalty;
        }

        return aliveBonus - distancePenalty - velocityPenalty;
    }
}
