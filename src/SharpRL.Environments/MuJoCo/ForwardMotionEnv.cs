namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// What Gymnasium's HalfCheetah and Swimmer share: reward w_f·x_velocity − w_c·Σa² and no termination,
/// the observation qpos[k:] ++ qvel (the k root positions left out unless
/// <c>exclude_current_positions_from_observation</c> is false), and the constructor arguments of these
/// (forward_reward_weight, ctrl_cost_weight, reset_noise_scale, exclude_current_positions_from_observation).
/// </summary>
public abstract class ForwardMotionEnv : MuJoCoEnv
{
    private readonly int _excludedPositions;

    private protected ForwardMotionEnv(
        MuJoCoVersions versions, int version, IReadOnlyDictionary<string, object>? options, double ctrlCostWeight, int rootPositions, bool normalVelocityNoise)
        : base(versions, version, options)
    {
        RequireModelSize(rootPositions, 0, rootPositions == 1 ? "x (qpos[0])" : "x and y (qpos[0], qpos[1])");
        ForwardRewardWeight = Options.Double("forward_reward_weight", 1.0);
        CtrlCostWeight = (float)Options.Double("ctrl_cost_weight", ctrlCostWeight);
        ResetNoiseScale = Options.Double("reset_noise_scale", 0.1);
        NormalVelocityNoise = normalVelocityNoise;
        bool exclude = Options.Bool("exclude_current_positions_from_observation", true);
        Options.EnsureAllUsed();
        _excludedPositions = exclude ? rootPositions : 0;
        SetObservationSize(Nq + Nv - _excludedPositions);
        Settings = Describe(("forward_reward_weight", ForwardRewardWeight), ("ctrl_cost_weight", (double)CtrlCostWeight),
            ("reset_noise_scale", ResetNoiseScale), ("exclude", exclude), ("model", ModelName));
    }

    /// <summary>w_f, the weight of the forward velocity in the reward.</summary>
    private protected double ForwardRewardWeight { get; }

    /// <summary>w_c, the weight of the control cost Σa² (float32, as Gymnasium's product with a float32 action).</summary>
    private protected float CtrlCostWeight { get; }

    private protected sealed override unsafe void WriteObservation(Span<double> observation) =>
        MuJoCoObservations.PositionsAndClippedVelocities(Data.Qpos, Nq, _excludedPositions, Data.Qvel, Nv, double.PositiveInfinity, observation);
}
