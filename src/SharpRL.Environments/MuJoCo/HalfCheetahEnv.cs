using SharpRL.Rng;

namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>HalfCheetah-v4</c> / <c>HalfCheetah-v5</c>: a planar cheetah (half_cheetah.xml, Euler,
/// dt 0.05). Observation (17) = qpos[1:] ++ qvel; reward = w_f·x_velocity − 0.1·Σa²; never terminates.
/// Reset: qpos0 + U(±0.1), 0.1·N(0, 1) velocities.
/// </summary>
public sealed class HalfCheetahEnv : MuJoCoEnv
{
    private static readonly string[] KeysV4 = ["x_position", "x_velocity", "reward_run", "reward_ctrl"];
    private static readonly string[] KeysV5 = ["x_position", "x_velocity", "reward_forward", "reward_ctrl"];

    private readonly int _version;
    private readonly double _forwardRewardWeight;
    private readonly float _ctrlCostWeight;
    private readonly double _resetNoiseScale;
    private readonly bool _excludeCurrentPositions;

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">Gymnasium's constructor arguments (forward_reward_weight, ctrl_cost_weight, reset_noise_scale,
    /// exclude_current_positions_from_observation; v5 also xml_file, frame_skip).</param>
    public HalfCheetahEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : this(version, new MuJoCoOptions($"HalfCheetah-v{version}", options))
    {
    }

    private HalfCheetahEnv(int version, MuJoCoOptions o)
        : base(MuJoCoVersions.Id("HalfCheetah", version), MuJoCoVersions.XmlFile(o, version, "half_cheetah.xml"), MuJoCoVersions.FrameSkip(o, version, 5), version == 4 ? KeysV4 : KeysV5)
    {
        _version = version;
        _forwardRewardWeight = o.Double("forward_reward_weight", 1.0);
        _ctrlCostWeight = (float)o.Double("ctrl_cost_weight", 0.1);
        _resetNoiseScale = o.Double("reset_noise_scale", 0.1);
        _excludeCurrentPositions = o.Bool("exclude_current_positions_from_observation", true);
        o.EnsureAllUsed();
        SetObservationSize(Nq + Nv - (_excludeCurrentPositions ? 1 : 0));
        Settings = Describe(("forward_reward_weight", _forwardRewardWeight), ("ctrl_cost_weight", (double)_ctrlCostWeight),
            ("reset_noise_scale", _resetNoiseScale), ("exclude", _excludeCurrentPositions), ("model", ModelName));
    }

    private protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        AddUniform(random, InitQpos, _resetNoiseScale, qpos);
        AddNormal(random, InitQvel, _resetNoiseScale, qvel);
    }

    private protected override unsafe void WriteResetInfo(Span<double> info)
    {
        if (_version == 5)
        {
            info[0] = Data.Qpos[0];
        }
    }

    private protected override unsafe void WriteObservation(Span<double> observation) =>
        MuJoCoObservations.PositionsAndClippedVelocities(Data.Qpos, Nq, _excludeCurrentPositions ? 1 : 0, Data.Qvel, Nv, double.PositiveInfinity, observation);

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        double before = Data.Qpos[0];
        DoSimulation(action);
        double after = Data.Qpos[0];
        double xVelocity = (after - before) / Dt;
        float ctrlCost = _ctrlCostWeight * NumpyMath.SumOfSquares(action);
        double forwardReward = _forwardRewardWeight * xVelocity;
        terminated = false;
        info[0] = after;
        info[1] = xVelocity;
        info[2] = forwardReward;
        info[3] = -ctrlCost;
        return forwardReward - ctrlCost;
    }
}
