namespace SharpRL.Algorithms.Impala;

/// <summary>The optimiser of the IMPALA learner.</summary>
public enum ImpalaOptimizer
{
    /// <summary>RMSprop (torch's form), as in the paper's experiments.</summary>
    RmsProp,

    /// <summary>Adam.</summary>
    Adam,
}

/// <summary>
/// IMPALA settings. Defaults follow Espeholt et al. 2018 where they apply to small control tasks
/// (ρ̄ = c̄ = λ = 1, RMSprop, value coefficient 0.5, gradient clipping at 40 there; 0.5 here for the
/// library's mean-reduced loss) and are otherwise chosen for CartPole-sized problems; the presets state theirs.
/// </summary>
public sealed record ImpalaOptions
{
    /// <summary>Actor threads of the local trajectory source (num_actors); each has its own env copies and policy replica.</summary>
    public int NumActors { get; init; } = 2;

    /// <summary>Env copies per actor (n_envs), stepped together with one batched policy pass; each copy yields one chunk per unroll.</summary>
    public int NumEnvs { get; init; } = 4;

    /// <summary>Steps per chunk T (unroll_length).</summary>
    public int UnrollLength { get; init; } = 20;

    /// <summary>Chunks per learner update (batch_size); one update consumes batch_size × unroll_length env steps.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Chunks the local source's queue holds before actors block (queue_capacity); bounds the policy lag.
    /// 0: twice batch_size.
    /// </summary>
    public int QueueCapacity { get; init; }

    /// <summary>
    /// One actor stepping on the learner's thread when the learner asks for chunks (deterministic): the same
    /// seed gives the same weights, and checkpoints resume exactly. num_actors must then be 1 and batch_size
    /// a multiple of n_envs. False: asynchronous actor threads (faster, not bit-reproducible).
    /// </summary>
    public bool Deterministic { get; init; }

    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>ρ̄, the clip of the importance weights in δ_t V and in the policy gradient.</summary>
    public double RhoBar { get; init; } = 1.0;

    /// <summary>c̄, the clip of the trace coefficients c_i.</summary>
    public double CBar { get; init; } = 1.0;

    /// <summary>λ, scaling every trace coefficient c_i = λ min(c̄, π/μ) (vtrace_lambda).</summary>
    public double VtraceLambda { get; init; } = 1.0;

    /// <summary>
    /// Factor on every reward before V-trace (reward_scale): keeps value targets near unit scale for envs with
    /// large rewards (Pendulum's reach −16 per step), as the paper clips Atari rewards to [−1, 1]. Episode
    /// returns are logged unscaled.
    /// </summary>
    public double RewardScale { get; init; } = 1.0;

    /// <summary>Learning rate, constant or linearly annealed over the budget (lin_6e-4).</summary>
    public Schedule LearningRate { get; init; } = Schedule.Constant(6e-4);

    /// <summary>Value-loss coefficient c_v in c_v · mean ½ (v_s − V(x_s))².</summary>
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Entropy bonus coefficient c_e.</summary>
    public double EntCoef { get; init; } = 0.01;

    /// <summary>Global gradient-norm clip (≤ 0 disables).</summary>
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>rmsprop or adam.</summary>
    public ImpalaOptimizer Optimizer { get; init; } = ImpalaOptimizer.RmsProp;

    /// <summary>RMSprop α, the decay of the squared-gradient average.</summary>
    public double RmsPropAlpha { get; init; } = 0.99;

    /// <summary>RMSprop ε, added outside the square root (torch's form).</summary>
    public double RmsPropEpsilon { get; init; } = 1e-5;

    /// <summary>Adam ε.</summary>
    public double AdamEpsilon { get; init; } = 1e-5;

    /// <summary>Network architecture (separate π and V networks; a shared trunk is refused).</summary>
    public PolicyOptions Policy { get; init; } = new();

    /// <summary>Env steps one update consumes: batch_size × unroll_length.</summary>
    public int StepsPerUpdate => BatchSize * UnrollLength;

    /// <summary>The queue bound actually used (queue_capacity, or twice batch_size when it is 0).</summary>
    public int EffectiveQueueCapacity => QueueCapacity > 0 ? QueueCapacity : 2 * BatchSize;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the setting, its value and what is expected.</summary>
    public void Validate()
    {
        Require(NumActors > 0, "num_actors", NumActors, "a positive integer");
        Require(NumEnvs > 0, "n_envs", NumEnvs, "a positive integer");
        Require(UnrollLength > 0, "unroll_length", UnrollLength, "a positive integer");
        Require(BatchSize > 0, "batch_size", BatchSize, "a positive integer");
        Require((long)BatchSize * UnrollLength <= 1 << 24, "batch_size", BatchSize, $"at most {(1 << 24) / UnrollLength} with unroll_length {UnrollLength} (batch_size × unroll_length ≤ 2^24 steps per update)");
        Require(QueueCapacity >= 0, "queue_capacity", QueueCapacity, "≥ 0 (0: twice batch_size)");
        Require(Gamma is >= 0 and <= 1, "gamma", Gamma, "in [0, 1]");
        Require(RhoBar > 0 && double.IsFinite(RhoBar), "rho_bar", RhoBar, "a positive number (1 in the paper)");
        Require(CBar > 0 && double.IsFinite(CBar), "c_bar", CBar, "a positive number (1 in the paper)");
        Require(VtraceLambda is >= 0 and <= 1, "vtrace_lambda", VtraceLambda, "in [0, 1]");
        Require(RewardScale > 0 && double.IsFinite(RewardScale), "reward_scale", RewardScale, "a positive number");
        Require(LearningRate.Start > 0 && LearningRate.End >= 0, "learning_rate", LearningRate, "positive");
        Require(VfCoef >= 0, "vf_coef", VfCoef, "≥ 0");
        Require(EntCoef >= 0, "ent_coef", EntCoef, "≥ 0");
        Require(RmsPropAlpha is >= 0 and < 1, "rms_prop_alpha", RmsPropAlpha, "in [0, 1)");
        Require(RmsPropEpsilon > 0, "rms_prop_eps", RmsPropEpsilon, "positive");
        Require(AdamEpsilon > 0, "adam_epsilon", AdamEpsilon, "positive");
        Require(!Policy.SharedTrunk, "policy.shared_trunk", Policy.SharedTrunk, "false (the IMPALA learner fits separate π and V networks)");
        if (Deterministic)
        {
            Require(NumActors == 1, "num_actors", NumActors, "1 when deterministic=true (one actor on the learner's thread)");
            Require(BatchSize % NumEnvs == 0, "batch_size", BatchSize, $"a multiple of n_envs = {NumEnvs} when deterministic=true (each unroll yields n_envs chunks, all used by one update)");
        }
    }

    private static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Setting {key} = {value} is invalid; expected {expected}.", key);
        }
    }
}
