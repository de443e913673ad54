namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>Walker2d-v4</c> / <c>Walker2d-v5</c>: a planar biped (walker2d.xml; v5 walker2d_v5.xml,
/// whose right foot has friction 1.9 instead of 0.9). Observation (17) = qpos[1:] ++ clip(qvel, ±10);
/// reward = w_f·x_velocity + healthy_reward − w_c·Σa²; healthy while 0.8 &lt; z &lt; 2 and −1 &lt; angle &lt; 1.
/// v4 pays the healthy reward on every step, v5 only while healthy. Reset U(±5e-3) on qpos and qvel.
/// The step, reset and observation are <see cref="PlanarWalkerEnv"/>'s.
/// </summary>
public sealed class Walker2dEnv : PlanarWalkerEnv
{
    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">Gymnasium's constructor arguments (forward_reward_weight, ctrl_cost_weight, healthy_reward,
    /// terminate_when_unhealthy, healthy_z_range, healthy_angle_range, reset_noise_scale,
    /// exclude_current_positions_from_observation; v5 also xml_file, frame_skip).</param>
    public Walker2dEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base("Walker2d", "walker2d.xml", "walker2d_v5.xml", version, options, healthyZRange: (0.8, 2.0), healthyAngleRange: (-1.0, 1.0))
    {
        Options.EnsureAllUsed();
        Settings = Describe(("forward_reward_weight", ForwardRewardWeight), ("ctrl_cost_weight", CtrlCostWeight), ("healthy_reward", HealthyReward),
            ("terminate_when_unhealthy", TerminateWhenUnhealthy), ("healthy_z_range", HealthyZRange), ("healthy_angle_range", HealthyAngleRange),
            ("reset_noise_scale", ResetNoiseScale), ("exclude", ExcludeCurrentPositions), ("model", ModelName));
    }
}
