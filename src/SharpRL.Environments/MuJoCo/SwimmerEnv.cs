namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>Swimmer-v4</c> / <c>Swimmer-v5</c>: a three-link swimmer in a viscous fluid (swimmer.xml).
/// Observation (8) = qpos[2:] ++ qvel; reward = w_f·x_velocity − 1e-4·Σa²; never terminates. Reset U(±0.1).
/// </summary>
public sealed class SwimmerEnv : ForwardMotionEnv
{
    private static readonly MuJoCoVersions Versions = new(
        "Swimmer", "swimmer.xml", FrameSkip: 4,
        KeysV4: ["reward_fwd", "reward_ctrl", "x_position", "y_position", "distance_from_origin", "x_velocity", "y_velocity", "forward_reward"],
        KeysV5: ["x_position", "y_position", "distance_from_origin", "x_velocity", "y_velocity", "reward_forward", "reward_ctrl"]);

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">Gymnasium's constructor arguments (forward_reward_weight, ctrl_cost_weight, reset_noise_scale,
    /// exclude_current_positions_from_observation; v5 also xml_file, frame_skip).</param>
    public SwimmerEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base(Versions, version, options, ctrlCostWeight: 1e-4, rootPositions: 2, normalVelocityNoise: false)
    {
    }

    private protected override unsafe void WriteResetInfo(Span<double> info)
    {
        if (Version == 5)
        {
            WriteRootPosition(info);
        }
    }

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        double xBefore = Data.Qpos[0];
        double yBefore = Data.Qpos[1];
        DoSimulation(action);
        double x = Data.Qpos[0];
        double y = Data.Qpos[1];
        double xVelocity = (x - xBefore) / Dt;
        double yVelocity = (y - yBefore) / Dt;
        double forwardReward = ForwardRewardWeight * xVelocity;
        float ctrlCost = CtrlCostWeight * NumpyMath.SumOfSquares(action);
        terminated = false;
        if (Version == 4)
        {
            info[0] = forwardReward;
            info[1] = -ctrlCost;
            WriteMotion(info[2..], x, y, xVelocity, yVelocity);
            info[7] = forwardReward;
        }
        else
        {
            WriteMotion(info, x, y, xVelocity, yVelocity);
            info[5] = forwardReward;
            info[6] = -ctrlCost;
        }

        return forwardReward - ctrlCost;
    }
}
