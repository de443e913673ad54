namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>Ant-v4</c> / <c>Ant-v5</c>: a four-legged robot (ant.xml, RK4, dt 0.05). The forward
/// velocity is the torso body's <c>xpos</c> before and after the step (the positions of MuJoCo's last
/// internal forward pass, as Gymnasium reads them). Healthy while the state is finite and
/// 0.2 ≤ z ≤ 1. v4: observation (27) = qpos[2:] ++ qvel (+ 84 clipped <c>cfrc_ext</c> of all bodies with
/// use_contact_forces, which also adds the contact cost); reward = x_velocity + healthy_reward − 0.5·Σa².
/// v5: observation (105) adds clip(cfrc_ext[1:], ±1), the contact cost 5e-4·Σclip(cfrc_ext)² always
/// counts, the healthy reward only while healthy, and <c>main_body</c> names the body tracked.
/// Reset: qpos0 + U(±0.1), 0.1·N(0, 1) velocities.
/// </summary>
public sealed class AntEnv : MuJoCoEnv
{
    private static readonly MuJoCoVersions Versions = new(
        "Ant", "ant.xml", FrameSkip: 5,
        KeysV4: ["reward_forward", "reward_ctrl", "reward_survive", "x_position", "y_position", "distance_from_origin", "x_velocity", "y_velocity", "forward_reward"],
        KeysV5: ["x_position", "y_position", "distance_from_origin", "x_velocity", "y_velocity", "reward_forward", "reward_ctrl", "reward_contact", "reward_survive"])
    {
        V4HasXmlOption = true,
    };

    private readonly double _forwardRewardWeight;
    private readonly float _ctrlCostWeight;
    private readonly bool _useContactForces;
    private readonly double _contactCostWeight;
    private readonly double _healthyReward;
    private readonly bool _terminateWhenUnhealthy;
    private readonly (double Low, double High) _healthyZRange;
    private readonly (double Low, double High) _contactForceRange;
    private readonly bool _excludeCurrentPositions;
    private readonly int _mainBody;
    private readonly double[] _contactForces;

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">Gymnasium's constructor arguments (xml_file, ctrl_cost_weight, contact_cost_weight, healthy_reward,
    /// terminate_when_unhealthy, healthy_z_range, contact_force_range, reset_noise_scale,
    /// exclude_current_positions_from_observation; v4 use_contact_forces; v5 frame_skip, forward_reward_weight,
    /// main_body (id or name), include_cfrc_ext_in_observation).</param>
    public AntEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base(Versions, version, options)
    {
        RequireModelSize(3, 0, "x, y and the torso height (qpos[0..2])");
        EnvOptions o = Options;
        _forwardRewardWeight = V5Double("forward_reward_weight", 1.0);
        _ctrlCostWeight = (float)o.Double("ctrl_cost_weight", 0.5);
        _useContactForces = version == 4 ? o.Bool("use_contact_forces", false) : o.Bool("include_cfrc_ext_in_observation", true);
        _contactCostWeight = o.Double("contact_cost_weight", 5e-4);
        _healthyReward = o.Double("healthy_reward", 1.0);
        _terminateWhenUnhealthy = o.Bool("terminate_when_unhealthy", true);
        _healthyZRange = o.Range("healthy_z_range", (0.2, 1.0));
        _contactForceRange = o.Range("contact_force_range", (-1.0, 1.0));
        ResetNoiseScale = o.Double("reset_noise_scale", 0.1);
        NormalVelocityNoise = true;
        _excludeCurrentPositions = o.Bool("exclude_current_positions_from_observation", true);
        // v5's main_body is an int | str (default 1); from the CLI every value arrives as text, so digits are an index.
        string mainBody = version == 5 ? o.NameOrIndex("main_body", "1") : "torso";
        o.EnsureAllUsed();
        _mainBody = int.TryParse(mainBody, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int id) && id >= 0 && id < Model.Nbody
            ? id
            : Model.BodyId(mainBody);
        _contactForces = new double[6 * Model.Nbody];
        int contactSize = !_useContactForces ? 0 : version == 4 ? 6 * Model.Nbody : 6 * (Model.Nbody - 1);
        SetObservationSize(Nq + Nv - (_excludeCurrentPositions ? 2 : 0) + contactSize);
        Settings = Describe(("forward_reward_weight", _forwardRewardWeight), ("ctrl_cost_weight", (double)_ctrlCostWeight), ("contact_forces", _useContactForces),
            ("contact_cost_weight", _contactCostWeight), ("healthy_reward", _healthyReward), ("terminate_when_unhealthy", _terminateWhenUnhealthy),
            ("healthy_z_range", _healthyZRange), ("contact_force_range", _contactForceRange), ("reset_noise_scale", ResetNoiseScale),
            ("exclude", _excludeCurrentPositions), ("main_body", _mainBody), ("model", ModelName));
    }

    /// <summary>Gymnasium's <c>is_healthy</c>: a finite state and z = qpos[2] within the (inclusive) range.</summary>
    public unsafe bool IsHealthy
    {
        get
        {
            for (int i = 0; i < Nq; i++)
            {
                if (!double.IsFinite(Data.Qpos[i]))
                {
                    return false;
                }
            }

            for (int i = 0; i < Nv; i++)
            {
                if (!double.IsFinite(Data.Qvel[i]))
                {
                    return false;
                }
            }

            double z = Data.Qpos[2];
            return _healthyZRange.Low <= z && z <= _healthyZRange.High;
        }
    }

    private protected override unsafe void WriteResetInfo(Span<double> info)
    {
        if (Version == 5)
        {
            WriteRootPosition(info);
        }
    }

    private protected override unsafe void WriteObservation(Span<double> observation)
    {
        int k = 0;
        for (int i = _excludeCurrentPositions ? 2 : 0; i < Nq; i++)
        {
            observation[k++] = Data.Qpos[i];
        }

        k = MuJoCoObservations.Copy(Data.Qvel, Nv, observation, k);
        if (_useContactForces)
        {
            ClipContactForces();
            int first = Version == 4 ? 0 : 6;
            _contactForces.AsSpan(first).CopyTo(observation[k..]);
        }
    }

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        double* body = Data.Xpos + (3 * _mainBody);
        double xBefore = body[0];
        double yBefore = body[1];
        DoSimulation(action);
        double xAfter = body[0];
        double yAfter = body[1];
        double xVelocity = (xAfter - xBefore) / Dt;
        double yVelocity = (yAfter - yBefore) / Dt;
        bool healthy = IsHealthy;
        float ctrlCost = _ctrlCostWeight * NumpyMath.SumOfSquares(action);
        double reward;
        if (Version == 4)
        {
            double forwardReward = xVelocity;
            double healthyReward = (healthy || _terminateWhenUnhealthy ? 1.0 : 0.0) * _healthyReward;
            double rewards = forwardReward + healthyReward;
            info[0] = forwardReward;
            info[1] = -ctrlCost;
            info[2] = healthyReward;
            WriteMotion(info[3..], xAfter, yAfter, xVelocity, yVelocity);
            info[8] = forwardReward;
            if (_useContactForces)
            {
                double contactCost = ContactCost();
                double costs = ctrlCost + contactCost;

                // Gymnasium's v4 reports the contact cost under reward_ctrl when contact forces are used.
                info[1] = -contactCost;
                reward = rewards - costs;
            }
            else
            {
                reward = rewards - ctrlCost;
            }
        }
        else
        {
            double forwardReward = xVelocity * _forwardRewardWeight;
            double healthyReward = (healthy ? 1.0 : 0.0) * _healthyReward;
            double contactCost = ContactCost();
            double costs = ctrlCost + contactCost;
            reward = (forwardReward + healthyReward) - costs;
            WriteMotion(info, Data.Qpos[0], Data.Qpos[1], xVelocity, yVelocity);
            info[5] = forwardReward;
            info[6] = -ctrlCost;
            info[7] = -contactCost;
            info[8] = healthyReward;
        }

        terminated = !healthy && _terminateWhenUnhealthy;
        return reward;
    }

    private unsafe void ClipContactForces()
    {
        double* forces = Data.CfrcExt;
        for (int i = 0; i < _contactForces.Length; i++)
        {
            _contactForces[i] = Clip(forces[i], _contactForceRange.Low, _contactForceRange.High);
        }
    }

    private double ContactCost()
    {
        ClipContactForces();
        return _contactCostWeight * NumpyMath.SumOfSquares(_contactForces);
    }
}
