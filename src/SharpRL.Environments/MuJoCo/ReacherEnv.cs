namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// Gymnasium's <c>Reacher-v4</c> / <c>Reacher-v5</c>: a two-joint arm reaching a target (reacher.xml, RK4,
/// dt 0.02, 50 steps). Observation v4 (11) = cos qpos[:2], sin qpos[:2], qpos[2:], qvel[:2],
/// fingertip − target (3; v5 drops z: 10). reward = −‖fingertip − target‖ − Σa², computed from the body
/// positions before the physics step in v4 (those of the previous step's last forward pass) and after it
/// in v5. Reset: qpos0 + U(±0.1); the goal ~ U(±0.2)² redrawn until ‖goal‖ &lt; 0.2; qvel U(±5e-3) with the
/// goal's velocity 0.
/// </summary>
public sealed class ReacherEnv : MuJoCoEnv
{
    private static readonly string[] Keys = ["reward_dist", "reward_ctrl"];
    private static readonly MuJoCoVersions Versions = new("Reacher", "reacher.xml", FrameSkip: 2, KeysV4: Keys, KeysV5: Keys);

    private readonly double _rewardDistWeight;
    private readonly float _rewardControlWeight;
    private readonly int _fingertip;
    private readonly int _target;

    /// <summary>Creates the env.</summary>
    /// <param name="version">4 or 5.</param>
    /// <param name="options">v5's constructor arguments (xml_file, frame_skip, reward_dist_weight, reward_control_weight); v4 has none.</param>
    public ReacherEnv(int version = 4, IReadOnlyDictionary<string, object>? options = null)
        : base(Versions, version, options)
    {
        RequireModelSize(2, 2, "the arm's two joints (qpos[0..1], qvel[0..1])");
        _rewardDistWeight = V5Double("reward_dist_weight", 1);
        _rewardControlWeight = (float)V5Double("reward_control_weight", 1);
        Options.EnsureAllUsed();
        _fingertip = Model.BodyId("fingertip");
        _target = Model.BodyId("target");
        SetObservationSize(Version == 4 ? 11 : 10);
        Settings = Describe(("reward_dist_weight", _rewardDistWeight), ("reward_control_weight", (double)_rewardControlWeight), ("model", ModelName));
    }

    private protected override void ResetModel(NumpyGenerator random, Span<double> qpos, Span<double> qvel)
    {
        for (int i = 0; i < qpos.Length; i++)
        {
            qpos[i] = random.Uniform(-0.1, 0.1) + InitQpos[i];
        }

        double goalX;
        double goalY;
        do
        {
            goalX = random.Uniform(-0.2, 0.2);
            goalY = random.Uniform(-0.2, 0.2);
        }
        while (!(Math.Sqrt((goalX * goalX) + (goalY * goalY)) < 0.2));

        qpos[^2] = goalX;
        qpos[^1] = goalY;
        AddUniform(random, InitQvel, 0.005, qvel);
        qvel[^2] = 0;
        qvel[^1] = 0;
    }

    private protected override unsafe void WriteObservation(Span<double> observation)
    {
        double* qpos = Data.Qpos;
        observation[0] = Math.Cos(qpos[0]);
        observation[1] = Math.Cos(qpos[1]);
        observation[2] = Math.Sin(qpos[0]);
        observation[3] = Math.Sin(qpos[1]);
        int k = 4;
        for (int i = 2; i < Nq; i++)
        {
            observation[k++] = qpos[i];
        }

        observation[k++] = Data.Qvel[0];
        observation[k++] = Data.Qvel[1];
        double* xpos = Data.Xpos;
        int components = Version == 4 ? 3 : 2;
        for (int j = 0; j < components; j++)
        {
            observation[k++] = xpos[(3 * _fingertip) + j] - xpos[(3 * _target) + j];
        }
    }

    private protected override double StepModel(ReadOnlySpan<float> action, Span<double> info, out bool terminated)
    {
        terminated = false;
        if (Version == 4)
        {
            double rewardDist = -Distance();
            float rewardCtrl = -NumpyMath.SumOfSquares(action);
            DoSimulation(action);
            info[0] = rewardDist;
            info[1] = rewardCtrl;
            return rewardDist + rewardCtrl;
        }

        DoSimulation(action);
        double dist = -Distance() * _rewardDistWeight;
        float ctrl = -NumpyMath.SumOfSquares(action) * _rewardControlWeight;
        info[0] = dist;
        info[1] = ctrl;
        return dist + ctrl;
    }

    private unsafe double Distance()
    {
        double* xpos = Data.Xpos;
        double dx = xpos[3 * _fingertip] - xpos[3 * _target];
        double dy = xpos[(3 * _fingertip) + 1] - xpos[(3 * _target) + 1];
        double dz = xpos[(3 * _fingertip) + 2] - xpos[(3 * _target) + 2];
        return Math.Sqrt((dx * dx) + (dy * dy) + (dz * dz));
    }
}
