namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// What Gymnasium's <c>Hopper</c> and <c>Walker2d</c> (v4, v5) share: a planar robot rewarded
/// w_f·x_velocity + healthy_reward − w_c·Σa², healthy while z = qpos[1] and angle = qpos[2] lie in open
/// ranges (Hopper also bounds the state), observation qpos[1:] ++ clip(qvel, ±10), reset qpos0 + U(±noise),
/// U(±noise). v4 pays the healthy reward on every step unless an unhealthy state ends the episode
/// anyway; v5 only while healthy.
/// </summary>
public abstract class PlanarWalkerEnv : MuJoCoEnv
{
    private readonly float _ctrlCostWeight;

    /// <summary>
    /// Loads the model and reads the shared constructor options; the derived constructor reads its own from
    /// <see cref="MuJoCoEnv.Options"/>, then calls <see cref="EnvOptions.EnsureAllUsed"/> and sets the settings text.
    /// </summary>
    private protected PlanarWalkerEnv(string name, string xmlFile, string xmlFileV5, int version, IReadOnlyDictionary<string, object>? options, (double Low, double High) healthyZRange, (double Low, double High) healthyAngleRange)
        : base(new MuJoCoVersions(name, xmlFile, FrameSkip: 4, KeysV4: ["x_position", "x_velocity"], KeysV5: ["x_position", "z_distance_from_origin", "x_velocity", "reward_forward", "reward_ctrl", "reward_survive"]) { XmlFileV5 = xmlFileV5 }, version, options)
    {
        RequireModelSize(3, 0, "x, the torso height and its angle (qpos[0..2])");
        EnvOptions o = Options;
        ForwardRewardWeight = o.Double("forward_reward_weight", 1.0);
        _ctrlCostWeight = (float)o.Double("ctrl_cost_weight", 1e-3);
        HealthyReward = o.Double("healthy_reward", 1.0);
        TerminateWhenUnhealthy = o.Bool("terminate_when_unhealthy", true);
        HealthyZRange = o.Range("healthy_z_range", healthyZRange);
        HealthyAngleRange = o.Range("healthy_angle_range", healthyAngleRange);
        ResetNoiseScale = o.Double("reset_noise_scale", 5e-3);
        ExcludeCurrentPositions = o.Bool("exclude_current_positions_from_observation", true);
        SetObservationSize(Nq + Nv - (ExcludeCurrentPositions ? 1 : 0));
    }

    /// <summary>Gymnasium's <c>is_healthy</c>.</summary>
    public unsafe bool IsHealthy
    {
        get
        {
            double z = Data.Qpos[1];
            double angle = Data.Qpos[2];
            return IsStateHealthy() && HealthyZRange.Low < z && z < HealthyZRange.High && HealthyAngleRange.Low < angle && angle < HealthyAngleRange.High;
        }
    }

    private protected double ForwardRewardWeight { get; }

    private protected double CtrlCostWeight => _ctrlCostWeight;

    private protected double HealthyReward { get; }

    private protected bool TerminateWhenUnhealthy { get; }

    private protected (double Low, double High) HealthyZRange { get; }

    private protected (double Low, double High) HealthyAngleRange { get; }

    private protected bool ExcludeCurrentPositions { get; }

    /// <summary>A condition on the whole state beyond z and the angle (Hopper's healthy_state_range); none by default.</summary>
    private protected virtual bool IsStateHealthy() => true;

    private protected override unsafe void WriteResetInfo(Span<double> info)
    {
        if (Version == 5)
        {
            info[0] = Data.Qpos[0];
            info[1] = Data.Qpos[1] - InitQpos[1];
        }
    }

    private protected override unsafe void WriteObservation(Span<double> observation) =>
        MuJoCoObservations.PositionsAndClippedVelocities(Data.Qpos, Nq, ExcludeCurrentPositions ? 1 : 0, Data.Qvel, Nv, 10.0, observation);

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        double before = Data.Qpos[0];
        DoSimulation(action);
        double after = Data.Qpos[0];
        double xVelocity = (after - before) / Dt;
        bool healthy = IsHealthy;
        float ctrlCost = _ctrlCostWeight * NumpyMath.SumOfSquares(action);
        double forwardReward = ForwardRewardWeight * xVelocity;
        double healthyReward = Version == 4
            ? (healthy || TerminateWhenUnhealthy ? 1.0 : 0.0) * HealthyReward
            : (healthy ? 1.0 : 0.0) * HealthyReward;
        double reward = (forwardReward + healthyReward) - ctrlCost;
        terminated = !healthy && TerminateWhenUnhealthy;
        info[0] = after;
        if (Version == 4)
        {
            info[1] = xVelocity;
        }
        else
        {
            info[1] = Data.Qpos[1] - InitQpos[1];
            info[2] = xVelocity;
            info[3] = forwardReward;
            info[4] = -ctrlCost;
            info[5] = healthyReward;
        }

        return reward;
    }
}
