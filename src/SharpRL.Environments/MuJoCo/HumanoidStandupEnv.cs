namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>HumanoidStandup-v4</c> / <c>-v5</c>: the humanoid lying down, rewarded for height
/// (humanoidstandup.xml). reward = qpos[2] / timestep − 0.1·Σctrl² − min(5e-7·Σcfrc_ext², 10) + 1; never
/// terminates. Observations as <see cref="HumanoidEnv"/> (v4 376, v5 348). Reset U(±1e-2).
/// </summary>
/// <remarks>v5's <c>uph_cost_weight</c> is accepted but, as in Gymnasium, not used.</remarks>
public sealed class HumanoidStandupEnv : MuJoCoEnv
{
    private static readonly MuJoCoVersions Versions = new(
        "HumanoidStandup", "humanoidstandup.xml", FrameSkip: 5,
        KeysV4: ["reward_linup", "reward_quadctrl", "reward_impact"],
        KeysV5: ["x_position", "y_position", "z_distance_from_origin", "reward_linup", "reward_quadctrl", "reward_impact"]);

    private readonly double _ctrlCostWeight;
    private readonly double _impactCostWeight;
    private readonly (double Low, double High) _impactCostRange;
    private readonly HumanoidObservation _layout;

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">v5's constructor arguments (xml_file, frame_skip, uph_cost_weight, ctrl_cost_weight, impact_cost_weight,
    /// impact_cost_range, reset_noise_scale, exclude_current_positions_from_observation, include_*_in_observation); v4 has none.</param>
    public HumanoidStandupEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base(Versions, version, options)
    {
        RequireModelSize(3, 0, "x, y and the torso height (qpos[0..2])");
        EnvOptions o = Options;
        _ = V5Double("uph_cost_weight", 1);
        _ctrlCostWeight = V5Double("ctrl_cost_weight", 0.1);
        _impactCostWeight = V5Double("impact_cost_weight", 5e-7);
        _impactCostRange = version == 5 ? o.Range("impact_cost_range", (double.NegativeInfinity, 10.0)) : (double.NegativeInfinity, 10.0);
        ResetNoiseScale = V5Double("reset_noise_scale", 1e-2);

        // v4 has none of the include_* options: its layout is v4's fixed one.
        _layout = HumanoidObservation.Read(version == 5 ? o : new EnvOptions(Id, null), version, Model);
        o.EnsureAllUsed();
        SetObservationSize(_layout.Size(Nq, Nv, Model.Nbody));
        Settings = Describe(("ctrl_cost_weight", _ctrlCostWeight), ("impact_cost_weight", _impactCostWeight), ("impact_cost_range", _impactCostRange),
            ("reset_noise_scale", ResetNoiseScale), ("layout", _layout.ToString()), ("model", ModelName));
    }

    private protected override unsafe void WriteResetInfo(Span<double> info)
    {
        if (Version == 5)
        {
            info[0] = Data.Qpos[0];
            info[1] = Data.Qpos[1];
            info[2] = Data.Qpos[2] - InitQpos[2];
        }
    }

    /// <inheritdoc />
    /// <remarks>v5 reports the two fixed tendons' lengths and velocities (Gymnasium's info keys tendon_length, tendon_velocity); v4 nothing.</remarks>
    public override IReadOnlyList<KeyValuePair<string, double[]>> ArrayInfo() => Version == 5 ? TendonInfo() : [];

    private protected override void WriteObservation(Span<double> observation) => _layout.Write(Data, Nq, Nv, Model.Nbody, observation);

    private protected override unsafe double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        DoSimulation(action);
        double height = Data.Qpos[2];
        double uphCost = (height - 0) / Model.Timestep;
        double ctrlCost = _ctrlCostWeight * NumpyMath.SumOfSquares(new ReadOnlySpan<double>(Data.Ctrl, Nu));
        double impactCost = _impactCostWeight * NumpyMath.SumOfSquares(new ReadOnlySpan<double>(Data.CfrcExt, 6 * Model.Nbody));

        // v4: Python's min(cost, 10) (NaN stays NaN, as it is the first argument); v5: np.clip.
        impactCost = Version == 4 ? (10 < impactCost ? 10 : impactCost) : Clip(impactCost, _impactCostRange.Low, _impactCostRange.High);
        terminated = false;
        int k = 0;
        if (Version == 5)
        {
            info[0] = Data.Qpos[0];
            info[1] = Data.Qpos[1];
            info[2] = Data.Qpos[2] - InitQpos[2];
            k = 3;
        }

        info[k] = uphCost;
        info[k + 1] = -ctrlCost;
        info[k + 2] = -impactCost;
        return uphCost - ctrlCost - impactCost + 1;
    }
}
