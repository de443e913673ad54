namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>Hopper-v4</c> / <c>Hopper-v5</c>: a one-legged planar robot (hopper.xml, RK4, dt 0.008).
/// Observation (11) = qpos[1:] ++ clip(qvel, ±10); reward = w_f·x_velocity + healthy_reward − w_c·Σa²;
/// terminates when unhealthy (state[2:] outside (−100, 100), z = qpos[1] ≤ 0.7 or |angle = qpos[2]| ≥ 0.2).
/// v4 pays the healthy reward on every step, v5 only while healthy. Reset: qpos0 + U(±5e-3), U(±5e-3).
/// The step, reset and observation are <see cref="PlanarWalkerEnv"/>'s; Hopper adds the state bound.
/// </summary>
public sealed class HopperEnv : PlanarWalkerEnv
{
    private readonly (double Low, double High) _healthyStateRange;

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">Gymnasium's constructor arguments (forward_reward_weight, ctrl_cost_weight, healthy_reward,
    /// terminate_when_unhealthy, healthy_state_range, healthy_z_range, healthy_angle_range, reset_noise_scale,
    /// exclude_current_positions_from_observation; v5 also xml_file, frame_skip).</param>
    public HopperEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base("Hopper", "hopper.xml", "hopper.xml", version, options, healthyZRange: (0.7, double.PositiveInfinity), healthyAngleRange: (-0.2, 0.2))
    {
        _healthyStateRange = Options.Range("healthy_state_range", (-100.0, 100.0));
        Options.EnsureAllUsed();
        Settings = Describe(("forward_reward_weight", ForwardRewardWeight), ("ctrl_cost_weight", CtrlCostWeight), ("healthy_reward", HealthyReward),
            ("terminate_when_unhealthy", TerminateWhenUnhealthy), ("healthy_state_range", _healthyStateRange), ("healthy_z_range", HealthyZRange),
            ("healthy_angle_range", HealthyAngleRange), ("reset_noise_scale", ResetNoiseScale), ("exclude", ExcludeCurrentPositions), ("model", ModelName));
    }

    /// <summary>Gymnasium's Hopper bound: every value of qpos[2:] and qvel strictly inside healthy_state_range.</summary>
    private protected override unsafe bool IsStateHealthy()
    {
        double* qpos = Data.Qpos;
        double* qvel = Data.Qvel;
        for (int i = 2; i < Nq; i++)
        {
            if (!(_healthyStateRange.Low < qpos[i] && qpos[i] < _healthyStateRange.High))
            {
                return false;
            }
        }

        for (int i = 0; i < Nv; i++)
        {
            if (!(_healthyStateRange.Low < qvel[i] && qvel[i] < _healthyStateRange.High))
            {
                return false;
            }
        }

        return true;
    }
}
