namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>HalfCheetah-v4</c> / <c>HalfCheetah-v5</c>: a planar cheetah (half_cheetah.xml, Euler,
/// dt 0.05). Observation (17) = qpos[1:] ++ qvel; reward = w_f·x_velocity − 0.1·Σa²; never terminates.
/// Reset: qpos0 + U(±0.1), 0.1·N(0, 1) velocities.
/// </summary>
public sealed class HalfCheetahEnv : ForwardMotionEnv
{
    private static readonly MuJoCoVersions Versions = new(
        "HalfCheetah", "half_cheetah.xml", FrameSkip: 5,
        KeysV4: ["x_position", "x_velocity", "reward_run", "reward_ctrl"],
        KeysV5: ["x_position", "x_velocity", "reward_forward", "reward_ctrl"]);

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">Gymnasium's constructor arguments (forward_reward_weight, ctrl_cost_weight, reset_noise_scale,
    /// exclude_current_positions_from_observation; v5 also xml_file, frame_skip).</param>
    public HalfCheetahEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base(Versions, version, options, ctrlCostWeight: 0.1, rootPositions: 1, normalVelocityNoise: true)
    {
    }

    private protected override unsafe void WriteResetInfo(Span<double> info)
    {
        if (Version == 5)
        {
            info[0] = Data.Qpos[0];
        }
    }

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        double before = Data.Qpos[0];
        DoSimulation(action);
        double after = Data.Qpos[0];
        double xVelocity = (after - before) / Dt;
        float ctrlCost = CtrlCostWeight * NumpyMath.SumOfSquares(action);
        double forwardReward = ForwardRewardWeight * xVelocity;
        terminated = false;
        info[0] = after;
        info[1] = xVelocity;
        info[2] = forwardReward;
        info[3] = -ctrlCost;
        return forwardReward - ctrlCost;
    }
}
