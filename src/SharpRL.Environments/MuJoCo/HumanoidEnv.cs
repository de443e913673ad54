namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>Humanoid-v4</c> / <c>Humanoid-v5</c>: a 3D humanoid (humanoid.xml, RK4, dt 0.015).
/// The forward velocity is that of the mass centre Σ m·xipos / Σ m (the body positions of MuJoCo's last
/// forward pass). v4: observation (376) = qpos[2:], qvel, cinert, cvel, qfrc_actuator, cfrc_ext of all
/// bodies; reward = 1.25·x_velocity + 5 − 0.1·Σctrl² (no contact cost: a documented v4 quirk).
/// v5: observation (348) drops the world body's rows and the root's actuator forces, adds the contact
/// cost clip(5e-7·Σcfrc_ext², ≤ 10), and pays the healthy reward only while healthy.
/// Terminated when z = qpos[2] leaves (1, 2). Reset U(±1e-2) on qpos and qvel.
/// </summary>
public sealed class HumanoidEnv : MuJoCoEnv
{
    private static readonly MuJoCoVersions Versions = new(
        "Humanoid", "humanoid.xml", FrameSkip: 5,
        KeysV4: ["reward_linvel", "reward_quadctrl", "reward_alive", "x_position", "y_position", "distance_from_origin", "x_velocity", "y_velocity", "forward_reward"],
        KeysV5: ["x_position", "y_position", "distance_from_origin", "x_velocity", "y_velocity", "reward_survive", "reward_forward", "reward_ctrl", "reward_contact"]);

    private readonly double _forwardRewardWeight;
    private readonly double _ctrlCostWeight;
    private readonly double _contactCostWeight;
    private readonly (double Low, double High) _contactCostRange;
    private readonly double _healthyReward;
    private readonly bool _terminateWhenUnhealthy;
    private readonly (double Low, double High) _healthyZRange;
    private readonly HumanoidObservation _layout;

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">Gymnasium's constructor arguments (forward_reward_weight, ctrl_cost_weight, healthy_reward,
    /// terminate_when_unhealthy, healthy_z_range, reset_noise_scale, exclude_current_positions_from_observation;
    /// v5 also xml_file, frame_skip, contact_cost_weight, contact_cost_range, include_cinert_in_observation,
    /// include_cvel_in_observation, include_qfrc_actuator_in_observation, include_cfrc_ext_in_observation).</param>
    public HumanoidEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base(Versions, version, options)
    {
        RequireModelSize(3, 0, "x, y and the torso height (qpos[0..2])");
        EnvOptions o = Options;
        _forwardRewardWeight = o.Double("forward_reward_weight", 1.25);
        _ctrlCostWeight = o.Double("ctrl_cost_weight", 0.1);
        _contactCostWeight = version == 5 ? o.Double("contact_cost_weight", 5e-7) : 0;
        _contactCostRange = version == 5 ? o.Range("contact_cost_range", (double.NegativeInfinity, 10.0)) : (0, 0);
        _healthyReward = o.Double("healthy_reward", 5.0);
        _terminateWhenUnhealthy = o.Bool("terminate_when_unhealthy", true);
        _healthyZRange = o.Range("healthy_z_range", (1.0, 2.0));
        ResetNoiseScale = o.Double("reset_noise_scale", 1e-2);
        _layout = HumanoidObservation.Read(o, version, Model);
        o.EnsureAllUsed();
        SetObservationSize(_layout.Size(Nq, Nv, Model.Nbody));
        Settings = Describe(("forward_reward_weight", _forwardRewardWeight), ("ctrl_cost_weight", _ctrlCostWeight), ("contact_cost_weight", _contactCostWeight),
            ("contact_cost_range", _contactCostRange), ("healthy_reward", _healthyReward), ("terminate_when_unhealthy", _terminateWhenUnhealthy),
            ("healthy_z_range", _healthyZRange), ("reset_noise_scale", ResetNoiseScale), ("layout", _layout.ToString()), ("model", ModelName));
    }

    /// <summary>Gymnasium's <c>is_healthy</c>: min_z &lt; qpos[2] &lt; max_z.</summary>
    public unsafe bool IsHealthy => _healthyZRange.Low < Data.Qpos[2] && Data.Qpos[2] < _healthyZRange.High;

    private protected override unsafe void WriteResetInfo(Span<double> info)
    {
        if (Version == 5)
        {
            WriteRootPosition(info);
        }
    }

    /// <inheritdoc />
    /// <remarks>v5 reports the two fixed tendons' lengths and velocities (Gymnasium's info keys tendon_length, tendon_velocity); v4 nothing.</remarks>
    public override IReadOnlyList<KeyValuePair<string, double[]>> ArrayInfo() => Version == 5 ? TendonInfo() : [];

    private protected override void WriteObservation(Span<double> observation) => _layout.Write(Data, Nq, Nv, Model.Nbody, observation);

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        (double xBefore, double yBefore) = HumanoidObservation.MassCenter(Model, Data);
        DoSimulation(action);
        (double xAfter, double yAfter) = HumanoidObservation.MassCenter(Model, Data);
        double xVelocity = (xAfter - xBefore) / Dt;
        double yVelocity = (yAfter - yBefore) / Dt;
        double ctrlCost = _ctrlCostWeight * NumpyMath.SumOfSquares(new ReadOnlySpan<double>(Data.Ctrl, Nu));
        double forwardReward = _forwardRewardWeight * xVelocity;
        bool healthy = IsHealthy;
        terminated = !healthy && _terminateWhenUnhealthy;
        if (Version == 4)
        {
            double healthyReward = (healthy || _terminateWhenUnhealthy ? 1.0 : 0.0) * _healthyReward;
            info[0] = forwardReward;
            info[1] = -ctrlCost;
            info[2] = healthyReward;
            WriteMotion(info[3..], xAfter, yAfter, xVelocity, yVelocity);
            info[8] = forwardReward;
            return (forwardReward + healthyReward) - ctrlCost;
        }

        double survive = (healthy ? 1.0 : 0.0) * _healthyReward;
        double contactCost = _contactCostWeight * NumpyMath.SumOfSquares(new ReadOnlySpan<double>(Data.CfrcExt, 6 * Model.Nbody));
        contactCost = Clip(contactCost, _contactCostRange.Low, _contactCostRange.High);
        WriteMotion(info, Data.Qpos[0], Data.Qpos[1], xVelocity, yVelocity);
        info[5] = survive;
        info[6] = forwardReward;
        info[7] = -ctrlCost;
        info[8] = -contactCost;
        return (forwardReward + survive) - (ctrlCost + contactCost);
    }
}
