namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>Pusher-v4</c> / <c>Pusher-v5</c>: a 7-joint arm pushing a cylinder to a goal (pusher.xml;
/// v5 pusher_v5.xml; dt 0.05, 100 steps). Observation (23) = qpos[:7], qvel[:7], the positions of the arm's
/// tip, the object and the goal. reward = −‖object − goal‖ − 0.1·Σa² − 0.5·‖object − tip‖, from the
/// positions before the step in v4 and after it in v5. Reset: the cylinder ~ (U(−0.3, 0), U(−0.2, 0.2))
/// redrawn until it is more than 0.17 from the goal at the origin; qvel U(±5e-3) with the last 4 zero.
/// </summary>
public sealed class PusherEnv : MuJoCoEnv
{
    private static readonly MuJoCoVersions Versions = new(
        "Pusher", "pusher.xml", FrameSkip: 5,
        KeysV4: ["reward_dist", "reward_ctrl"],
        KeysV5: ["reward_dist", "reward_ctrl", "reward_near"])
    {
        XmlFileV5 = "pusher_v5.xml",
    };

    private readonly double _nearWeight;
    private readonly double _distWeight;
    private readonly float _controlWeight;
    private readonly int _tipsArm;
    private readonly int _object;
    private readonly int _goal;

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">v5's constructor arguments (xml_file, frame_skip, reward_near_weight, reward_dist_weight, reward_control_weight); v4 has none.</param>
    public PusherEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base(Versions, version, options)
    {
        _nearWeight = V5Double("reward_near_weight", 0.5);
        _distWeight = V5Double("reward_dist_weight", 1);
        _controlWeight = (float)V5Double("reward_control_weight", 0.1);
        Options.EnsureAllUsed();
        _tipsArm = Model.BodyId("tips_arm");
        _object = Model.BodyId("object");
        _goal = Model.BodyId("goal");
        SetObservationSize(23);
        Settings = Describe(("reward_near_weight", _nearWeight), ("reward_dist_weight", _distWeight), ("reward_control_weight", (double)_controlWeight), ("model", ModelName));
    }

    private protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        InitQpos.CopyTo(qpos);
        double cylinderX;
        double cylinderY;
        do
        {
            cylinderX = random.Uniform(-0.3, 0);
            cylinderY = random.Uniform(-0.2, 0.2);
        }
        while (!(Math.Sqrt((cylinderX * cylinderX) + (cylinderY * cylinderY)) > 0.17));

        qpos[^4] = cylinderX;
        qpos[^3] = cylinderY;
        qpos[^2] = 0;
        qpos[^1] = 0;
        AddUniform(random, InitQvel, 0.005, qvel);
        qvel[^4..].Clear();
    }

    private protected override unsafe void WriteObservation(Span<double> observation)
    {
        int k = MuJoCoObservations.Copy(Data.Qpos, 7, observation, 0);
        k = MuJoCoObservations.Copy(Data.Qvel, 7, observation, k);
        k = MuJoCoObservations.Copy(Data.Xpos + (3 * _tipsArm), 3, observation, k);
        k = MuJoCoObservations.Copy(Data.Xpos + (3 * _object), 3, observation, k);
        MuJoCoObservations.Copy(Data.Xpos + (3 * _goal), 3, observation, k);
    }

    private protected override double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        terminated = false;
        if (Version == 4)
        {
            double near = -Distance(_object, _tipsArm);
            double dist = -Distance(_object, _goal);
            float ctrl = -NumpyMath.SumOfSquares(action);
            double reward = dist + (0.1f * ctrl) + (0.5 * near);
            DoSimulation(action);
            info[0] = dist;
            info[1] = ctrl;
            return reward;
        }

        DoSimulation(action);
        double rewardNear = -Distance(_object, _tipsArm) * _nearWeight;
        double rewardDist = -Distance(_object, _goal) * _distWeight;
        float rewardCtrl = -NumpyMath.SumOfSquares(action) * _controlWeight;
        info[0] = rewardDist;
        info[1] = rewardCtrl;
        info[2] = rewardNear;
        return rewardDist + rewardCtrl + rewardNear;
    }

    private unsafe double Distance(int a, int b)
    {
        double* xpos = Data.Xpos;
        double dx = xpos[3 * a] - xpos[3 * b];
        double dy = xpos[(3 * a) + 1] - xpos[(3 * b) + 1];
        double dz = xpos[(3 * a) + 2] - xpos[(3 * b) + 2];
        return Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz));
    }
}
