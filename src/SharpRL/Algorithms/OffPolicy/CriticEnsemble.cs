namespace SharpRL.Algorithms.OffPolicy;

/// <summary>The per-critic parts of an update that <see cref="CriticEnsemble.Work"/> runs, one critic per call.</summary>
internal enum CriticPhase
{
    /// <summary>Critic i's target network evaluates Q'_i(s', a').</summary>
    Target = 0,

    /// <summary>Critic i takes its regression step towards y.</summary>
    Regression = 1,

    /// <summary>Critic i's target moves: φ'_i ← (1 − τ) φ'_i + τ φ_i.</summary>
    Polyak = 2,
}

/// <summary>
/// The n critics Q_φi with their Polyak-averaged targets Q_φ'i, one Adam per critic and the per-critic
/// batch buffers: the part TD3 (and so DDPG) and SAC share. Both regress every critic on the clipped
/// double-Q target y = r + γ (1 − d) (min_i Q'_i(s', a') − α ln π(a'|s')), with α ln π absent in TD3
/// (Fujimoto et al. 2018; Haarnoja et al. 2018, eq. 5; "Lecture 8: PPO, DDPG / TD3").
/// </summary>
internal sealed class CriticEnsemble
{
    private readonly Adam<float>[] _optimizers;
    private readonly float[][] _targetQ;
    private readonly double[] _losses;
    private readonly float[] _y;

    /// <summary>
    /// Builds the critics and their targets, initialises the critics from <paramref name="random"/> (fan-in
    /// uniform, SB3's default for these networks) and copies them into the targets.
    /// </summary>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="actionSize">Action dimensions.</param>
    /// <param name="options">Networks, batch size and learning rate.</param>
    /// <param name="n">Number of critics (n_critics).</param>
    /// <param name="random">The algorithm's generator; the critics draw from it after the actor.</param>
    public CriticEnsemble(int observationSize, int actionSize, OffPolicyOptions options, int n, Random random)
    {
        int b = options.BatchSize;
        Critic = new QCritic<float>(observationSize, actionSize, options.HiddenSizes, options.Activation, n, "critic.");
        CriticTarget = new QCritic<float>(observationSize, actionSize, options.HiddenSizes, options.Activation, n, "critic_target.");
        foreach (Mlp<float> q in Critic.Networks)
        {
            FanInUniformInit.Apply(q, random);
        }

        TargetNetworks.CopyInto([.. Critic.Parameters], [.. CriticTarget.Parameters]);
        _optimizers = [.. Enumerable.Range(0, n).Select(i => new Adam<float>(Critic.ParametersOf(i), options.LearningRate))];
        _targetQ = [.. Enumerable.Range(0, n).Select(_ => new float[b])];
        Q = [.. Enumerable.Range(0, n).Select(_ => new float[b])];
        GradQ = [.. Enumerable.Range(0, n).Select(_ => new float[b])];
        _losses = new double[n];
        _y = new float[b];
    }

    /// <summary>Q_φ1 … Q_φn.</summary>
    public QCritic<float> Critic { get; }

    /// <summary>Q_φ'1 … Q_φ'n.</summary>
    public QCritic<float> CriticTarget { get; }

    /// <summary>Per critic, one value per batch row: Q_i of the latest regression step, free for the actor's pass after it.</summary>
    public float[][] Q { get; }

    /// <summary>Per critic, one value per batch row: ∂L/∂Q_i of the latest regression step, free for the actor's pass after it.</summary>
    public float[][] GradQ { get; }

    /// <summary>y of the latest <see cref="ComputeTargets"/>, one per batch row.</summary>
    public ReadOnlySpan<float> Targets => _y;

    /// <summary>Σ_i L_Qi of the latest regression phase.</summary>
    public double LossSum => _losses.Sum();

    /// <summary>The checkpoint's entries for the critics and their targets.</summary>
    public IEnumerable<KeyValuePair<string, IReadOnlyList<Parameter<float>>>> Networks =>
    [
        new("critic", [.. Critic.Parameters]),
        new("critic_target", [.. CriticTarget.Parameters]),
    ];

    /// <summary>The checkpoint's entries for the critics' optimisers, "critic_0" … "critic_{n−1}".</summary>
    public IEnumerable<KeyValuePair<string, IOptimizer<float>>> Optimizers
        => _optimizers.Select((o, i) => new KeyValuePair<string, IOptimizer<float>>($"critic_{i}", o));

    /// <summary>
    /// Critic <paramref name="critic"/>'s share of <paramref name="phase"/>, on
    /// the batch with the target actions <paramref name="nextActions"/>; TD3 regresses on the squared error, SAC on half of it.
    /// </summary>
    public void Work(CriticPhase phase, int critic, ReplayBatch batch, ReadOnlySpan<float> nextActions, bool halfSquaredError, double tau)
    {
        switch (phase)
        {
            case CriticPhase.Target:
                CriticTarget.Forward(critic, batch.NextObservations, nextActions, _targetQ[critic], batch.Size);
                break;
            case CriticPhase.Regression:
                _losses[critic] = CriticRegression.Step(Critic, critic, _optimizers[critic], batch, _y, Q[critic], GradQ[critic], halfSquaredError);
                break;
            case CriticPhase.Polyak:
                TargetNetworks.Polyak(Critic.ParametersOf(critic), CriticTarget.ParametersOf(critic), tau);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(phase), phase, "Not a critic phase.");
        }
    }

    /// <summary>
    /// y = r + γ (1 − d) (min_i Q'_i(s', a') − α ln π(a'|s')) from the target phase's Q'_i; an empty
    /// <paramref name="nextLogProb"/> leaves out the entropy term (TD3, DDPG).
    /// </summary>
    public void ComputeTargets(ReplayBatch batch, float gamma, ReadOnlySpan<float> nextLogProb, float alpha)
    {
        for (int r = 0; r < batch.Size; r++)
        {
            float minQ = _targetQ[0][r];
            for (int i = 1; i < _targetQ.Length; i++)
            {
                minQ = Math.Min(minQ, _targetQ[i][r]);
            }

            // d is terminated only: a time-limit cut still bootstraps from the stored final observation.
            float bootstrap = nextLogProb.IsEmpty ? minQ : minQ - (alpha * nextLogProb[r]);
            _y[r] = batch.Rewards[r] + (gamma * (1f - batch.Terminated[r]) * bootstrap);
        }
    }
}
