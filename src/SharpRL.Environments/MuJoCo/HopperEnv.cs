using SharpRL.Rng;

namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>Hopper-v4</c> / <c>Hopper-v5</c>: a one-legged planar robot (hopper.xml, RK4, dt 0.008).
/// Observation (11) = qpos[1:] ++ clip(qvel, ±10); reward = w_f·x_velocity + healthy_reward − w_c·Σa²;
/// terminates when unhealthy (state[2:] outside (−100, 100), z = qpos[1] ≤ 0.7 or |angle = qpos[2]| ≥ 0.2).
/// v4 pays the healthy reward on every step, v5 only while healthy. Reset: qpos0 + U(±5e-3), U(±5e-3).
/// </summary>
public sealed class HopperEnv : MuJoCoEnv
{
    private static readonly string[] KeysV4 = ["x_position", "x_velocity"];
    private static readonly string[] KeysV5 = ["x_position", "z_distance_from_origin", "x_velocity", "reward_forward", "reward_ctrl", "reward_survive"];

    private readonly int _version;
    private readonly double _forwardRewardWeight;
    private readonly float _ctrlCostWeight;
    private readonly double _healthyReward;
    private readonly bool _terminateWhenUnhealthy;
    private readonly (double Low, double High) _healthyStateRange;
    private readonly (double Low, double High) _healthyZRange;
    private readonly (double Low, double High) _healthyAngleRange;
    private readonly double _resetNoiseScale;
    private readonly bool _excludeCurrentPositions;

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">Gymnasium's constructor arguments (forward_reward_weight, ctrl_cost_weight, healthy_reward,
    /// terminate_when_unhealthy, healthy_state_range, healthy_z_range, healthy_angle_range, reset_noise_scale,
    /// exclude_current_positions_from_observation; v5 also xml_file, frame_skip).</param>
    public HopperEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : this(version, new MuJoCoOptions($"Hopper-v{version}", options))
    {
    }

    private HopperEnv(int version, MuJoCoOptions o)
        : base(MuJoCoVersions.Id("Hopper", version), MuJoCoVersions.XmlFile(o, version, "hopper.xml"), MuJoCoVersions.FrameSkip(o, version, 4), version == 4 ? KeysV4 : KeysV5)
    {
        _version = version;
        _forwardRewardWeight = o.Double("forward_reward_weight", 1.0);
        _ctrlCostWeight = (float)o.Double("ctrl_cost_weight", 1e-3);
        _healthyReward = o.Double("healthy_reward", 1.0);
        _terminateWhenUnhealthy = o.Bool("terminate_when_unhealthy", true);
        _healthyStateRange = o.Range("healthy_state_range", (-100.0, 100.0));
        _healthyZRange = o.Range("healthy_z_range", (0.7, double.PositiveInfinity));
        _healthyAngleRange = o.Range("healthy_angle_range", (-0.2, 0.2));
        _resetNoiseScale = o.Double("reset_noise_scale", 5e-3);
        _excludeCurrentPositions = o.Bool("exclude_current_positions_from_observation", true);
        o.EnsureAllUsed();
        SetObservationSize(Nq + Nv - (_excludeCurrentPositions ? 1 : 0));
        Settings = Describe(("forward_reward_weight", _forwardRewardWeight), ("ctrl_cost_weight", (double)_ctrlCostWeight), ("healthy_reward", _healthyReward),
            ("terminate_when_unhealthy", _terminateWhenUnhealthy), ("healthy_state_range", _healthyStateRange), ("healthy_z_range", _healthyZRange),
            ("healthy_angle_range", _healthyAngleRange), ("reset_noise_scale", _resetNoiseScale), ("exclude", _excludeCurrentPositions), ("model", ModelName));
    }

    /// <summary>Gymnasium's <c>is_healthy</c>.</summary>
    public unsafe bool IsHealthy
    {
        get
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

            double z = qpos[1];
            double angle = qpos[2];
            return _healthyZRange.Low < z && z < _healthyZRange.High && _healthyAngleRange.Low < angle && angle < _healthyAngleRange.High;
        }
    }

    private protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, InitQpos, _resetNoiseScale, qpos);
        AddUniform(random, InitQvel, _resetNoiseScale, qvel);
    }

    private protected override unsafe void WriteResetInfo(Span<double> info)
    {
        if (_version == 5)
        {
            info[0] = Data.Qpos[0];
            info[1] = Data.Qpos[1] - InitQpos[1];
        }
    }

    private protected override unsafe void WriteObservation(Span<double> observation)
    {
        MuJoCoObservations.PositionsAndClippedVelocities(Data.Qpos, Nq, _excludeCurrentPositions ? 1 : 0, Data.Qvel, Nv, 10.0, observation);
    }

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        double before = Data.Qpos[0];
        DoSimulation(action);
        double after = Data.Qpos[0];
        double xVelocity = (after - before) / Dt;
        bool healthy = IsHealthy;
        float ctrlCost = _ctrlCostWeight * NumpyMath.SumOfSquares(action);
        double forwardReward = _forwardRewardWeight * xVelocity;
        double healthyReward = _version == 4
            ? (healthy || _terminateWhenUnhealthy ? 1.0 : 0.0) * _healthyReward
            : (healthy ? 1.0 : 0.0) * _healthyReward;
        double reward = (forwardReward + healthyReward) - ctrlCost;
        terminated = !healthy && _terminateWhenUnhealthy;
        info[0] = after;
        if (_version == 4)
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
